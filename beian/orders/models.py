"""Filing orders (备案订单): one business type per order, a proposed ``FilingState`` and its diff.

The state field is written only by ``orders.workflow`` (design.md §6); every transition appends an
``OrderHistory`` row. ``OrderLock`` rows make "one in-flight order per entity and per domain" a database
constraint, so two submissions racing for the same domain cannot both succeed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrderType(models.TextChoices):
    NEW_FILING = "new_filing", _("首次备案")
    ADD_WEBSITE = "add_website", _("新增网站")
    ADD_ACCESS = "add_access", _("新增接入")
    CHANGE_ENTITY = "change_entity", _("变更主体")
    CHANGE_WEBSITE = "change_website", _("变更网站")
    CHANGE_FILING = "change_filing", _("变更备案")
    CHANGE_ACCESS = "change_access", _("变更接入")
    CANCEL_ENTITY = "cancel_entity", _("注销主体")
    CANCEL_WEBSITE = "cancel_website", _("注销网站")
    CANCEL_ACCESS = "cancel_access", _("取消接入")


CHANGE_TYPES = {OrderType.CHANGE_ENTITY, OrderType.CHANGE_WEBSITE, OrderType.CHANGE_FILING, OrderType.CHANGE_ACCESS}
CANCEL_TYPES = {OrderType.CANCEL_ENTITY, OrderType.CANCEL_WEBSITE, OrderType.CANCEL_ACCESS}


class OrderState(models.TextChoices):
    # The applicant is still editing; nothing is locked. Expires after 45 idle days.
    DRAFT = "draft", _("待完善")
    # Waiting for (or under) the provider's first review.
    PROVIDER_REVIEW = "provider_review", _("待初审")
    # The reviewer asked for materials; the provider clock is paused.
    SUPPLEMENT_REQUESTED = "supplement_requested", _("待补充材料")
    # Back with the applicant with reasons flagged on fields; resubmit changes flagged fields only.
    RETURNED = "returned", _("已退回")
    # Principals must answer the MIIT SMS check within 24 h.
    SMS_VERIFICATION = "sms_verification", _("待短信核验")
    # At the bureau (管局); no edits, no withdrawal.
    BUREAU_REVIEW = "bureau_review", _("管局审核中")
    # Ended: applied to the registry.
    APPROVED = "approved", _("已通过")
    # Ended: final refusal by the provider (illegal content, false information).
    REJECTED = "rejected", _("已驳回")
    # Ended: withdrawn by the applicant.
    WITHDRAWN = "withdrawn", _("已撤销")
    # Ended: a draft left idle too long.
    EXPIRED = "expired", _("已过期")


ENDED_STATES = {OrderState.APPROVED, OrderState.REJECTED, OrderState.WITHDRAWN, OrderState.EXPIRED}
IN_FLIGHT_STATES = {
    OrderState.PROVIDER_REVIEW, OrderState.SUPPLEMENT_REQUESTED, OrderState.RETURNED,
    OrderState.SMS_VERIFICATION, OrderState.BUREAU_REVIEW,
}
PROVIDER_STATES = {OrderState.PROVIDER_REVIEW, OrderState.SUPPLEMENT_REQUESTED}


class Order(models.Model):
    """A filing order: what the applicant proposes, where it stands, and who holds it."""

    type = models.CharField(_("业务类型"), max_length=20, choices=OrderType.choices)
    state = models.CharField(_("状态"), max_length=24, choices=OrderState.choices, default=OrderState.DRAFT,
                             editable=False)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                  related_name="orders")
    entity = models.ForeignKey("registry.Entity", verbose_name=_("主体"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="orders",
                               help_text=_("首次备案在管局通过前为空。"), db_index=False)
    province = models.ForeignKey("registry.Province", verbose_name=_("备案省份"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    target_website_id = models.BigIntegerField(_("目标网站"), null=True, blank=True,
                                               help_text=_("注销网站、新增接入、取消接入的网站。"))
    proposed = models.JSONField(_("提交的备案信息"), default=dict)
    diff = models.JSONField(_("变更内容"), default=list)
    base_version = models.PositiveIntegerField(_("基于版本"), default=0)
    change_date = models.DateField(_("实际变更日期"), null=True, blank=True)
    flags = models.JSONField(_("退回标记"), default=list, blank=True,
                             help_text=_("最近一次退回标记的字段路径和材料。"))
    returned_state = models.JSONField(_("退回时的备案信息"), null=True, blank=True,
                                      help_text=_("重新提交时只能修改被标记的字段：与此比较。"))
    findings = models.JSONField(_("检查结果"), default=list, blank=True)
    rules_version = models.CharField(_("规则版本"), max_length=40, blank=True)
    return_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    sms_failed = models.BooleanField(_("短信核验失败"), default=False)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("领取人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="claimed_orders", db_index=False)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    stage_started_at = models.DateTimeField(_("阶段开始"), null=True, blank=True)
    # Indexed with the state (Meta.indexes): every query on due_at names the state too.
    due_at = models.DateTimeField(_("当前阶段截止"), null=True, blank=True)
    paused_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    paused_working_days = models.PositiveSmallIntegerField(
        _("暂停的工作日"), default=0, help_text=_("补充材料期间暂停的工作日，已加到本阶段截止时间上。"))
    bureau_at = models.DateTimeField(_("提交管局时间"), null=True, blank=True,
                                     help_text=_("首次进入管局审核的时间；管局审核员从此可见。"))
    due_fallback = models.BooleanField(_("截止日期按周一至周五估算"), default=False,
                                       help_text=_("所涉年份尚无节假日数据。"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    last_edited_at = models.DateTimeField(_("最后编辑"), auto_now_add=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("备案订单")
        verbose_name_plural = _("备案订单")
        ordering = ["-id"]
        indexes = [
            # The queue order of claim-next (due date, then submission, then id): the first free order comes
            # straight from the index instead of sorting every order waiting in the state. Also "overdue".
            models.Index(fields=["state", "due_at", "submitted_at", "id"], name="orders_state_due_queue"),
            # Every transition updates the row with a new state, so every index on it is written again; these
            # three cover only the rows their queries ask for (drafts; orders with an entity; claimed orders).
            models.Index(fields=["last_edited_at"], condition=Q(state="draft"), name="orders_draft_edited"),
            models.Index(fields=["entity"], condition=Q(entity__isnull=False), name="orders_order_entity"),
            models.Index(fields=["claimed_by"], condition=Q(claimed_by__isnull=False), name="orders_order_claimed_by"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_type_display()}"

    def save(self, *args, **kwargs):
        # A row loaded by orders.locks remembers what it held, so that the transition writes only what changed
        # (core.hotsql); after an ordinary save that memory no longer says what the row holds.
        self.__dict__.pop("_hot_loaded", None)
        super().save(*args, **kwargs)

    def refresh_from_db(self, using=None, fields=None, **kwargs):
        loaded = self.__dict__.get("_hot_loaded")
        # Loading a column the lock left out (deferred) leaves what it did load as it was.
        if loaded is None or fields is None or any(f in loaded[0].attnames for f in fields):
            self.__dict__.pop("_hot_loaded", None)
        super().refresh_from_db(using=using, fields=fields, **kwargs)

    @property
    def in_flight(self) -> bool:
        return self.state in IN_FLIGHT_STATES


class OrderHistory(models.Model):
    """Append-only record of every transition: actor, from, to, reason, time."""

    order = models.ForeignKey(Order, verbose_name=_("订单"), on_delete=models.PROTECT, related_name="history")
    event = models.CharField(_("事件"), max_length=40)
    from_state = models.CharField(_("原状态"), max_length=24, blank=True)
    to_state = models.CharField(_("新状态"), max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", help_text=_("为空表示系统。"))
    reason = models.TextField(_("原因"), blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("订单历史")
        verbose_name_plural = _("订单历史")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Order history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Order history is append-only.")


class OrderLock(models.Model):
    """An in-flight order holds its entity and domains: ``key`` is ``entity:<id>`` or ``domain:<ascii>``."""

    key = models.CharField(_("锁"), max_length=270, unique=True)
    order = models.ForeignKey(Order, verbose_name=_("订单"), on_delete=models.CASCADE, related_name="locks")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("订单锁")
        verbose_name_plural = _("订单锁")

    def __str__(self) -> str:
        return self.key


class ReturnReason(models.Model):
    """A canned reason to return an order (icp §5.8), editable in the admin."""

    code = models.CharField(_("代码"), max_length=60, unique=True)
    title_zh = models.CharField(_("原因（中文）"), max_length=200)
    title_en = models.CharField(_("原因（英文）"), max_length=200)
    fix_zh = models.TextField(_("修改建议（中文）"), blank=True)
    fix_en = models.TextField(_("修改建议（英文）"), blank=True)
    default_field = models.CharField(_("默认标记字段"), max_length=120, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("退回原因")
        verbose_name_plural = _("退回原因")
        ordering = ["sort", "id"]
        constraints = [models.CheckConstraint(condition=~Q(code=""), name="orders_returnreason_code")]

    def __str__(self) -> str:
        return self.title_zh


class ChangeTypeRule(models.Model):
    """A province rule that forces the combined 变更备案 (``change_filing``) for a change (icp §1.4)."""

    class Condition(models.TextChoices):
        # Every change in the province must be change_filing (青海: the complete "five images").
        ALWAYS = "always", _("所有变更")
        # The entity principal (legal representative) changes (湖南, 贵州).
        ENTITY_PRINCIPAL_CHANGED = "entity_principal_changed", _("主体负责人变更")
        # An individual's contact details change.
        INDIVIDUAL_CONTACT_CHANGED = "individual_contact_changed", _("个人主体联系方式变更")

    province = models.ForeignKey("registry.Province", verbose_name=_("省份"), null=True, blank=True,
                                 on_delete=models.CASCADE, help_text=_("留空表示全国。"))
    condition = models.CharField(_("条件"), max_length=40, choices=Condition.choices)
    active = models.BooleanField(_("启用"), default=True)
    source = models.CharField(_("依据"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("强制变更备案规则")
        verbose_name_plural = _("强制变更备案规则")

    def __str__(self) -> str:
        return f"{self.province or '全国'}: {self.get_condition_display()}"


class IdentityVerification(models.Model):
    """Evidence of a website principal's identity verification (人脸/视频核验, icp §3.1).

    Recorded by a backend plug-in; the built-in console backend is for development only — no real
    verification vendor is integrated.
    """

    order = models.ForeignKey(Order, verbose_name=_("订单"), on_delete=models.PROTECT,
                              related_name="identity_verifications")
    website_key = models.CharField(_("网站"), max_length=40)
    principal_name = models.CharField(_("负责人"), max_length=50)
    backend = models.CharField(_("核验方式"), max_length=100)
    passed = models.BooleanField(_("通过"))
    evidence = models.JSONField(_("核验记录"), default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT,
                              related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("真实性核验记录")
        verbose_name_plural = _("真实性核验记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.website_key}: {self.passed}"
