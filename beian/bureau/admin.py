"""Operators edit "who must pass the SMS check" and can inspect SMS stages (codes are stored only as HMACs)."""

from __future__ import annotations

from django.contrib import admin

from beian.bureau.models import SmsChallenge, SmsSession, SmsVerifierRule


@admin.register(SmsVerifierRule)
class SmsVerifierRuleAdmin(admin.ModelAdmin):
    list_display = ("order_type", "scope", "entity_principal", "website_principal", "source")
    list_filter = ("order_type", "entity_principal", "website_principal")
    list_editable = ("entity_principal", "website_principal")


class SmsChallengeInline(admin.TabularInline):
    model = SmsChallenge
    extra = 0
    can_delete = False
    fields = ("masked_phone", "principal_roles", "issued_at", "verified_at", "resend_count")
    readonly_fields = fields

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        from beian.bureau.sms import mask_phone

        return mask_phone(obj.phone)

    @admin.display(description="核验人")
    def principal_roles(self, obj):
        return "、".join(f"{p.get('role')}:{p.get('website_key') or '-'} {p.get('name', '')}" for p in obj.principals)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SmsSession)
class SmsSessionAdmin(admin.ModelAdmin):
    """Read-only: SMS stages change only through the SMS services."""

    list_display = ("order", "status", "started_at", "window_ends_at", "wrong_attempts", "ended_at", "end_reason")
    list_filter = ("status", "end_reason")
    search_fields = ("order__id",)
    readonly_fields = ("order", "status", "started_at", "window_ends_at", "wrong_attempts", "ended_at", "end_reason")
    inlines = [SmsChallengeInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
