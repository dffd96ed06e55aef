"""Demo data: after the other loaders, index every live page (pages a loader created
without publishing through Wagtail sent no page_published signal)."""

from . import index


def load(stdout) -> None:
    count = index.rebuild()
    stdout.write(f"Search index: {count} pages.")
