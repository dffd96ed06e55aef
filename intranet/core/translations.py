"""Compile the project's .po files to .mo with polib (no GNU gettext needed).

Compiled catalogues are not committed: they are built by `make run`/`make test` and by the
test session, so that translation files merge as text.
"""

from pathlib import Path

import polib

from intranet.settings.environment import BASE_DIR

SKIP = {".venv", "var", "node_modules", ".git"}


def catalogues(root: Path = BASE_DIR):
    for po in root.rglob("locale/*/LC_MESSAGES/*.po"):
        if not SKIP.intersection(po.relative_to(root).parts):
            yield po


def compile_all(root: Path = BASE_DIR) -> list[Path]:
    """Compile every stale catalogue; returns the .mo files written."""
    written = []
    for po in catalogues(root):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        polib.pofile(str(po)).save_as_mofile(str(mo))
        written.append(mo)
    return written
