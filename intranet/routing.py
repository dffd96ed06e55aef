"""WebSocket routes of every app, collected in one place for asgi.py."""

from intranet.notifications.routing import websocket_urlpatterns as notification_routes

websocket_urlpatterns = [*notification_routes]
