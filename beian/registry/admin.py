"""Admin for the registry and its catalogues. Registry records are never deleted (cancel instead)."""

from django.contrib import admin

from beian.registry import models as m


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "abbr", "alt_abbrs", "population", "sort")
    search_fields = ("name", "code", "abbr")


@admin.register(m.EntityType)
class EntityTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "is_individual", "active", "sort")
    list_editable = ("active", "sort")


@admin.register(m.CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "number_format", "for_person", "active", "sort")
    list_filter = ("for_person", "number_format", "active")
    filter_horizontal = ("entity_types",)


@admin.register(m.ServiceContent)
class ServiceContentAdmin(admin.ModelAdmin):
    list_display = ("name", "individual_allowed", "active", "sort")
    list_editable = ("individual_allowed", "active", "sort")


@admin.register(m.PreApprovalType)
class PreApprovalTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "authority", "document", "active", "sort")


@admin.register(m.Language, m.AccessMethod)
class SimpleCatalogueAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "sort")


@admin.register(m.AccessProvider)
class AccessProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "is_self")


@admin.register(m.Principal)
class PrincipalAdmin(NoDeleteAdmin):
    list_display = ("name", "role", "certificate_type", "mobile")
    search_fields = ("name", "mobile")


class WebsiteInline(admin.TabularInline):
    model = m.Website
    fields = ("number", "name", "status", "access_limited", "without_access")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(m.Entity)
class EntityAdmin(NoDeleteAdmin):
    list_display = ("number", "name", "entity_type", "province", "status", "empty_shell", "version")
    list_filter = ("status", "empty_shell", "province")
    search_fields = ("number", "name")
    raw_id_fields = ("owner", "principal")
    inlines = [WebsiteInline]


@admin.register(m.Website)
class WebsiteAdmin(NoDeleteAdmin):
    list_display = ("number", "name", "entity", "status", "access_limited", "without_access")
    list_filter = ("status", "access_limited", "without_access")
    search_fields = ("number", "name")
    raw_id_fields = ("entity", "principal")


@admin.register(m.Domain)
class DomainAdmin(NoDeleteAdmin):
    list_display = ("name", "ascii", "website", "status")
    list_filter = ("status",)
    search_fields = ("name", "ascii")
    raw_id_fields = ("website",)


@admin.register(m.Access)
class AccessAdmin(NoDeleteAdmin):
    list_display = ("website", "provider", "method", "region", "status")
    list_filter = ("status", "provider")
    raw_id_fields = ("website",)


@admin.register(m.PreApproval)
class PreApprovalAdmin(NoDeleteAdmin):
    list_display = ("website", "type", "number", "status")
    raw_id_fields = ("website",)


@admin.register(m.NumberSeries)
class NumberSeriesAdmin(NoDeleteAdmin):
    list_display = ("province", "year", "last_serial")


@admin.register(m.RegistryVersion)
class RegistryVersionAdmin(NoDeleteAdmin):
    list_display = ("entity", "version", "order", "actor", "created_at")
    raw_id_fields = ("entity", "order", "actor")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(m.StaffViewLog)
class StaffViewLogAdmin(NoDeleteAdmin):
    list_display = ("at", "user", "entity", "order_id", "what")

    def has_change_permission(self, request, obj=None):
        return False
