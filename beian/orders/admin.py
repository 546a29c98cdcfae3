"""Admin for orders (read-mostly: the state changes only through the workflow services) and their catalogues."""

from django.contrib import admin

from beian.orders import models as m


class HistoryInline(admin.TabularInline):
    model = m.OrderHistory
    fields = ("at", "event", "from_state", "to_state", "actor", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "type", "state", "province", "applicant", "submitted_at", "due_at", "claimed_by")
    list_filter = ("state", "type", "province")
    search_fields = ("id", "applicant__username")
    readonly_fields = [f.name for f in m.Order._meta.fields]
    inlines = [HistoryInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.OrderHistory)
class OrderHistoryAdmin(admin.ModelAdmin):
    list_display = ("order", "event", "from_state", "to_state", "actor", "at")
    list_filter = ("event",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.OrderLock)
class OrderLockAdmin(admin.ModelAdmin):
    list_display = ("key", "order", "created_at")
    search_fields = ("key",)


@admin.register(m.ReturnReason)
class ReturnReasonAdmin(admin.ModelAdmin):
    list_display = ("code", "title_zh", "default_field", "active", "sort")
    list_editable = ("active", "sort")


@admin.register(m.ChangeTypeRule)
class ChangeTypeRuleAdmin(admin.ModelAdmin):
    list_display = ("province", "condition", "active", "source")


@admin.register(m.IdentityVerification)
class IdentityVerificationAdmin(admin.ModelAdmin):
    list_display = ("order", "website_key", "principal_name", "backend", "passed", "created_at")

    def has_change_permission(self, request, obj=None):
        return False
