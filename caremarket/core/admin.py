from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Installation staff may read the audit log; nobody may add, change or delete it."""

    list_display = ["occurred_at", "organisation", "actor_label", "action", "object_repr"]
    list_filter = ["action", "organisation"]
    search_fields = ["actor_label", "object_repr", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
