"""Admin for the notify app (outbox, delivery log, inbox, webhooks, recorded SMS) and the sweep bookkeeping."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from beian.core.models import SweepRun
from beian.notify import services
from beian.notify.models import DeliveryLog, InboxMessage, Outbox, SmsMessage, WebhookEndpoint


class DeliveryLogInline(admin.TabularInline):
    model = DeliveryLog
    extra = 0
    can_delete = False
    fields = ("attempt", "started_at", "duration_ms", "ok", "response_code", "error", "worker")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ("id", "channel", "event", "status", "attempts", "next_attempt_at", "order", "created_at",
                    "sent_at")
    list_filter = ("status", "channel", "event")
    search_fields = ("idempotency_key", "=order__id")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Outbox._meta.fields]
    inlines = [DeliveryLogInline]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("立即重试所选（失败或已放弃的）消息"))
    def retry_now(self, request, queryset):
        count = services.outbox_retry(outbox_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, _("已安排 %(n)d 条消息重试。") % {"n": count}, messages.SUCCESS)


@admin.register(DeliveryLog)
class DeliveryLogAdmin(admin.ModelAdmin):
    list_display = ("id", "outbox", "attempt", "ok", "response_code", "started_at", "duration_ms", "worker")
    list_filter = ("ok", "outbox__channel")
    search_fields = ("=outbox__id", "outbox__idempotency_key")
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in DeliveryLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InboxMessage)
class InboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "event", "subject_zh", "order", "created_at", "read_at")
    list_filter = ("event",)
    search_fields = ("user__username", "subject_zh", "outbox_key")
    readonly_fields = [f.name for f in InboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "url", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("owner__username", "url")
    exclude = ("secret",)


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "phone", "sent_at", "outbox_key")
    search_fields = ("=phone",)
    readonly_fields = [f.name for f in SmsMessage._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    list_display = ("name", "last_run_at", "last_finished_at", "last_duration_ms", "last_result", "runs", "failures",
                    "claimed_by")
    readonly_fields = [f.name for f in SweepRun._meta.fields]

    def has_add_permission(self, request):
        return False
