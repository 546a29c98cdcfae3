"""Admin of the rules' data: every save and delete is written to the edit history (RuleDataEdit)."""

from django.contrib import admin

from beian.rules import models as m


class LoggedAdmin(admin.ModelAdmin):
    """Records the editing user; bulk deletion is off so every delete goes through ``Model.delete`` (logged)."""

    def save_model(self, request, obj, form, change):
        obj._actor = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        obj._actor = request.user
        super().delete_model(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(m.ProvinceRule)
class ProvinceRuleAdmin(LoggedAdmin):
    list_display = ("__str__", "min_age", "certificate_valid_months", "domain_valid_months", "domain_valid_days",
                    "legal_rep", "residence", "cross_province_server")
    list_select_related = ("province",)


class WordInline(admin.TabularInline):
    model = m.Word
    fields = ("word", "province", "source")
    extra = 1

    def has_delete_permission(self, request, obj=None):
        return False  # delete words on their own page, so the deletion is logged


@admin.register(m.WordCategory)
class WordCategoryAdmin(LoggedAdmin):
    list_display = ("code", "name_zh", "rule_code", "applies_to", "screen", "pre_approval_type", "active")
    list_filter = ("rule_code", "active")
    inlines = [WordInline]

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            obj._actor = request.user
            obj.save()


@admin.register(m.Word)
class WordAdmin(LoggedAdmin):
    list_display = ("word", "category", "province", "source")
    list_filter = ("category",)
    search_fields = ("word",)


@admin.register(m.FileableTld)
class FileableTldAdmin(LoggedAdmin):
    list_display = ("tld", "province", "fileable", "source")
    list_filter = ("fileable", "province")
    search_fields = ("tld",)


@admin.register(m.ProviderIpRange)
class ProviderIpRangeAdmin(LoggedAdmin):
    list_display = ("name", "start", "end", "province", "active")
    list_filter = ("province", "active")


@admin.register(m.DomainRegistration)
class DomainRegistrationAdmin(LoggedAdmin):
    list_display = ("domain", "registrar", "expires_on", "real_name_verified", "holder")
    search_fields = ("domain", "holder")


@admin.register(m.RuleDataEdit)
class RuleDataEditAdmin(admin.ModelAdmin):
    list_display = ("at", "model", "object_id", "action", "actor")
    list_filter = ("model", "action")
    readonly_fields = ("model", "object_id", "action", "before", "after", "actor", "at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
