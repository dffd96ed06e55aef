from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Synonym


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "search"
    menu_label = Synonym._meta.verbose_name_plural
    list_display = ["words", "note", "updated_at"]
    search_fields = ["words", "note"]
    add_to_admin_menu = True


register_snippet(SynonymViewSet)
