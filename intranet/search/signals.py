"""Keep the page index in step with Wagtail: publish, unpublish, move; deleting a page
deletes its entry through the foreign key (CASCADE), whatever the page type."""

from __future__ import annotations

from wagtail.signals import page_published, page_unpublished, post_page_move

from . import index
from .models import PageEntry


def on_published(sender, instance, **kwargs):
    index.index_page(instance)
    # The page's children show its title as where they are.
    PageEntry.objects.filter(
        page__path__startswith=instance.path, page__depth=instance.depth + 1
    ).exclude(section=instance.title[:255]).update(section=instance.title[:255])


def on_unpublished(sender, instance, **kwargs):
    index.remove_page(instance)


def on_moved(sender, instance, **kwargs):
    index.index_subtree(instance)


def connect() -> None:
    # No sender: every page type, present and future.
    page_published.connect(on_published, dispatch_uid="search.page_published")
    page_unpublished.connect(on_unpublished, dispatch_uid="search.page_unpublished")
    post_page_move.connect(on_moved, dispatch_uid="search.page_moved")


def disconnect() -> None:
    """For the benchmark's baseline (saving pages without indexing)."""
    page_published.disconnect(dispatch_uid="search.page_published")
    page_unpublished.disconnect(dispatch_uid="search.page_unpublished")
    post_page_move.disconnect(dispatch_uid="search.page_moved")
