"""A leaf utility for the Django admin: lists that may be read but never changed."""


class ReadOnlyAdminMixin:
    """No add, change or delete in the admin: the rows change only through services
    (or never, like the audit log)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
