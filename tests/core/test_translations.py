"""English is available for every piece of UI text: no catalogue entry left untranslated."""

import polib
import pytest

from intranet.core.translations import catalogues

CATALOGUES = sorted(catalogues())


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 2


@pytest.mark.parametrize(
    "path", CATALOGUES, ids=lambda path: str(path.parent.parent.parent)
)
def test_every_entry_is_translated(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
