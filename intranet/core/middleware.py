from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from intranet.core import dates


class LanguageMiddleware:
    """Japanese unless the user chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a ward office
    shows Japanese to everyone by default, whatever the browser says.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.available:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class DateStyleMiddleware:
    """Dates in the signed-in person's chosen style (西暦 or 和暦) for this request.

    Reads ``request.user.date_style``; anyone else sees the default (西暦)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = dates.activate_style(getattr(user, "date_style", None))
        try:
            return self.get_response(request)
        finally:
            dates.reset_style(token)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in person.

    Many desks are shared PCs: after one person logs out, the next must not bring her
    pages back from the browser's cache or history (documents, notifications, names).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
