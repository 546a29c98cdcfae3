"""Materials (备案材料): the requirement catalogue, uploaded files with their machine checks, signed agreements.

The catalogue (:class:`MaterialRequirement`) is the single source of what an order needs (design.md §8); rule
findings of severity ``needs_material`` name the same codes (``beian.core.requirements.REQUIREMENT_CODES``).
A :class:`Material` is one uploaded file, stored privately (the ``materials`` storage) under a random name with
its SHA-256; it is served only through short-lived signed links. :class:`AgreementSignature` records an
agreement signed in the app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beian.core.requirements import REQUIREMENT_CODES

REQUIREMENT_CHOICES = [(code, names[0]) for code, names in REQUIREMENT_CODES.items()]


class MaterialRequirement(models.Model):
    """One catalogue row: order type × entity kind × province × changed field path (× condition) → material.

    A row matches an order when its order type, entity kind and province match and some diff entry's path
    matches ``path`` (a glob: ``entity.name``, ``websites[*].principal.*``; blank = always) with one of ``ops``.
    Website-level paths make the requirement per website. ``waive`` rows remove a requirement (a province
    that waives the hand-held photo).
    """

    class EntityKind(models.TextChoices):
        ANY = "any", _("不限")
        ORGANISATION = "organisation", _("单位")
        INDIVIDUAL = "individual", _("个人")

    class Condition(models.TextChoices):
        NONE = "", _("无")
        # The website (added or changed) lists pre-approvals.
        HAS_PRE_APPROVALS = "has_pre_approvals", _("网站涉及前置审批")
        # An access record's server region lies outside the filing province.
        ACCESS_OUTSIDE_PROVINCE = "access_outside_province", _("服务器不在备案省份")
        # The website principal is not the entity principal (legal representative).
        WEBSITE_PRINCIPAL_NOT_ENTITY = "website_principal_not_entity", _("网站负责人非主体负责人")
        # An individual's resident ID was issued outside the filing province.
        ID_OUTSIDE_PROVINCE = "id_outside_province", _("身份证非备案省份签发")

    code = models.CharField(_("材料"), max_length=40, choices=REQUIREMENT_CHOICES)
    order_types = models.JSONField(_("业务类型"), default=list, blank=True, help_text=_("留空表示所有类型。"))
    entity_kind = models.CharField(_("主体类别"), max_length=20, choices=EntityKind.choices, default=EntityKind.ANY)
    provinces = models.JSONField(_("省份"), default=list, blank=True,
                                 help_text=_("6 位省级区划代码列表，如 [\"310000\"]；留空表示全国。"))
    path = models.CharField(_("变更字段"), max_length=300, blank=True,
                            help_text=_("字段路径通配，如 entity.name、websites[*].principal.*；留空表示总是需要。"))
    ops = models.JSONField(_("变更方式"), default=list, blank=True, help_text=_("add/remove/change；留空表示任意。"))
    condition = models.CharField(_("附加条件"), max_length=40, choices=Condition.choices, default="", blank=True)
    waive = models.BooleanField(_("免除"), default=False, help_text=_("匹配时免除该材料（省份豁免）。"))
    reason_zh = models.CharField(_("原因（中文）"), max_length=200)
    reason_en = models.CharField(_("原因（英文）"), max_length=200)
    source = models.CharField(_("依据"), max_length=100, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("材料要求")
        verbose_name_plural = _("材料要求目录")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return f"{self.get_code_display()} ← {self.path or '*'}"


class CheckStatus(models.TextChoices):
    PENDING = "pending", _("待检查")
    RUNNING = "running", _("检查中")
    DONE = "done", _("已检查")
    FAILED = "failed", _("检查出错")


class Material(models.Model):
    """An uploaded document or photo (材料). The original bytes are kept unchanged with their SHA-256."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                              related_name="materials")
    order = models.ForeignKey("orders.Order", verbose_name=_("订单"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="materials",
                              help_text=_("为空表示尚未关联订单（超时清理）。"))
    code = models.CharField(_("材料类型"), max_length=40, choices=REQUIREMENT_CHOICES, blank=True)
    website_key = models.CharField(_("网站"), max_length=40, blank=True, help_text=_("网站级材料所属网站的 key。"))
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    storage_name = models.CharField(_("存储名称"), max_length=200, unique=True)
    display_name = models.CharField(_("转换后的存储名称"), max_length=200, blank=True,
                                    help_text=_("HEIC 转换或按 EXIF 方向校正后的 JPEG。"))
    width = models.PositiveIntegerField(_("宽（像素）"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高（像素）"), null=True, blank=True)
    superseded = models.BooleanField(_("已被替换"), default=False)
    check_status = models.CharField(_("机器检查"), max_length=10, choices=CheckStatus.choices,
                                    default=CheckStatus.PENDING, db_index=True)
    check_started_at = models.DateTimeField(_("检查开始"), null=True, blank=True)
    checked_at = models.DateTimeField(_("检查完成"), null=True, blank=True)
    check_findings = models.JSONField(_("检查结果"), default=list, blank=True)
    check_data = models.JSONField(_("检查数据"), default=dict, blank=True, help_text=_("清晰度、亮度、识别文字等。"))
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("材料")
        verbose_name_plural = _("材料")
        ordering = ["id"]
        indexes = [models.Index(fields=["order", "code", "website_key"], name="materials_order_code")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.code or '-'} {self.original_name}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class AgreementText(models.Model):
    """A version of an agreement signed in the app (《服务信息安全协议》); versions are never edited once signed."""

    code = models.CharField(_("代码"), max_length=40, choices=REQUIREMENT_CHOICES)
    version = models.CharField(_("版本"), max_length=20)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    active = models.BooleanField(_("当前版本"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("协议文本")
        verbose_name_plural = _("协议文本")
        ordering = ["code", "-id"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="materials_agreement_version")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class AgreementSignature(models.Model):
    """Evidence of an agreement signed in the app: text and version, signer, time, client address, hash."""

    order = models.ForeignKey("orders.Order", verbose_name=_("订单"), on_delete=models.PROTECT,
                              related_name="agreement_signatures")
    agreement = models.ForeignKey(AgreementText, verbose_name=_("协议"), on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签署人"), on_delete=models.PROTECT,
                               related_name="+")
    signer_name = models.CharField(_("签署人姓名"), max_length=100)
    text = models.TextField(_("签署的全文"))
    sha256 = models.CharField(_("全文 SHA-256"), max_length=64)
    client_ip = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    signed_at = models.DateTimeField(_("签署时间"))

    class Meta:
        verbose_name = _("协议签署记录")
        verbose_name_plural = _("协议签署记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.agreement} by {self.signer_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Agreement signatures are append-only.")
        super().save(*args, **kwargs)
