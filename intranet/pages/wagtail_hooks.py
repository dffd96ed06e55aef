from wagtail import hooks

from .creation import IntranetPageViewSet


@hooks.register("register_admin_viewset")
def register_page_viewset():
    # Registered for Page after Wagtail's own (order -1), so it replaces it.
    return IntranetPageViewSet()
