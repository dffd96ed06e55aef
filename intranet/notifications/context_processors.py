def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .views import request_unread_count

    return {"unread_notifications": request_unread_count(request)}
