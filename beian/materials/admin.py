"""Admin: the requirement catalogue and agreement texts are editable; materials and signatures read-only.

The admin never shows a material's file (certificate images are opened only through signed, audit-logged links).
"""

from django.contrib import admin

from beian.materials import models as m


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.MaterialRequirement)
class MaterialRequirementAdmin(admin.ModelAdmin):
    list_display = ("code", "path", "entity_kind", "provinces", "order_types", "condition", "waive", "active", "sort")
    list_filter = ("code", "entity_kind", "waive", "active")
    search_fields = ("code", "path", "reason_zh")


@admin.register(m.Material)
class MaterialAdmin(ReadOnlyAdmin):
    list_display = ("id", "order", "code", "website_key", "content_type", "size", "check_status", "superseded",
                    "created_at")
    list_filter = ("check_status", "content_type", "code")
    exclude = ("storage_name", "display_name")


@admin.register(m.AgreementText)
class AgreementTextAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "title", "active", "created_at")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.AgreementSignature)
class AgreementSignatureAdmin(ReadOnlyAdmin):
    list_display = ("id", "order", "agreement", "signer_name", "client_ip", "signed_at")
