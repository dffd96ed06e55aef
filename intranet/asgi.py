"""ASGI entry point: Django for HTTP, Channels for WebSockets (session-authenticated)."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.dev")

from intranet.settings.environment import ConfigurationError

try:
    from django.core.asgi import get_asgi_application

    django_application = get_asgi_application()
except ConfigurationError as error:
    sys.exit(f"Configuration error: {error}")

from channels.routing import ProtocolTypeRouter, URLRouter
from django.conf import settings

from intranet.core.origins import SameOriginValidator
from intranet.notifications.sessions import SocketAuthStack
from intranet.routing import websocket_urlpatterns
from intranet.signin.sockets import RefusePendingSecondFactor

http_application = django_application
if settings.SERVE_STATIC:
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    http_application = ASGIStaticFilesHandler(django_application)

application = ProtocolTypeRouter(
    {
        "http": http_application,
        "websocket": SameOriginValidator(
            SocketAuthStack(RefusePendingSecondFactor(URLRouter(websocket_urlpatterns)))
        ),
    }
)
