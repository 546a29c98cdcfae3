"""The registry: the approved state of every filing this provider serves (design.md §4).

It changes only when an order is approved (through ``registry.services``); nothing is hard-deleted —
cancellations set ``status`` and keep the history. Catalogues (provinces, entity and certificate types,
service content, pre-approval types, languages, access methods) are tables loaded by a data migration
and editable in the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NoDeleteQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Registry records are never deleted; cancel them instead.")


class NoDeleteModel(models.Model):
    """Base for registry records: ``delete()`` raises, cancellation is a status."""

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise PermissionError("Registry records are never deleted; cancel them instead.")


# ---------------------------------------------------------------- catalogues


class Province(models.Model):
    """A province-level division: filing abbreviation(s) and GB/T 2260 division code (icp §2.7)."""

    code = models.CharField(_("区划代码"), max_length=6, unique=True, help_text=_("6 位行政区划代码，如 330000。"))
    name = models.CharField(_("名称"), max_length=20, unique=True)
    abbr = models.CharField(_("备案号简称"), max_length=2, unique=True, help_text=_("签发备案号时使用的简称。"))
    alt_abbrs = models.CharField(_("其他简称"), max_length=10, blank=True, help_text=_("解析备案号时也接受，如 川。"))
    population = models.PositiveIntegerField(_("人口（万）"), default=0, help_text=_("用于生成测试数据的权重。"))
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("省份")
        verbose_name_plural = _("省份")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def all_abbrs(self) -> list[str]:
        return [self.abbr, *self.alt_abbrs]


class EntityType(models.Model):
    """主办单位性质 (icp §2.2). Stored by name; integrations map their own codes."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    is_individual = models.BooleanField(_("个人"), default=False)
    active = models.BooleanField(_("可选"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("主办单位性质")
        verbose_name_plural = _("主办单位性质")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class CertificateType(models.Model):
    """证件类型 (icp §2.3), bound to the entity types that may use it; person certificates for principals."""

    class Format(models.TextChoices):
        USCC = "uscc", _("统一社会信用代码")
        RESIDENT_ID = "resident_id", _("居民身份证号")
        ORG_CODE = "org_code", _("组织机构代码")
        LOOSE = "loose", _("其他（宽松校验）")

    name = models.CharField(_("名称"), max_length=60, unique=True)
    number_format = models.CharField(_("号码格式"), max_length=20, choices=Format.choices, default=Format.LOOSE)
    entity_types = models.ManyToManyField(EntityType, verbose_name=_("适用单位性质"), blank=True,
                                          related_name="certificate_types")
    for_person = models.BooleanField(_("个人证件"), default=False, help_text=_("可用于负责人和个人主体。"))
    active = models.BooleanField(_("可选"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("证件类型")
        verbose_name_plural = _("证件类型")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class ServiceContent(models.Model):
    """网站服务内容 (icp §2.5)."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    individual_allowed = models.BooleanField(_("个人可选"), default=False)
    active = models.BooleanField(_("可选"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("网站服务内容")
        verbose_name_plural = _("网站服务内容")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class PreApprovalType(models.Model):
    """前置审批类型 (icp §2.5) with the issuing authority."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    authority = models.CharField(_("审批部门"), max_length=100, blank=True)
    document = models.CharField(_("许可证或文件"), max_length=100, blank=True)
    active = models.BooleanField(_("可选"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("前置审批类型")
        verbose_name_plural = _("前置审批类型")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    """网站语言."""

    name = models.CharField(_("名称"), max_length=20, unique=True)
    active = models.BooleanField(_("可选"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("网站语言")
        verbose_name_plural = _("网站语言")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class AccessMethod(models.Model):
    """接入方式 (icp §2.6)."""

    name = models.CharField(_("名称"), max_length=20, unique=True)
    active = models.BooleanField(_("可选"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("接入方式")
        verbose_name_plural = _("接入方式")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class AccessProvider(models.Model):
    """接入商. ``is_self`` marks the provider running this Beian."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    is_self = models.BooleanField(_("本接入商"), default=False)

    class Meta:
        verbose_name = _("接入商")
        verbose_name_plural = _("接入商")
        ordering = ["-is_self", "name"]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- the registry


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("已备案")
    CANCELLED = "cancelled", _("已注销")


class Principal(NoDeleteModel):
    """A person responsible for an entity or a website (主体负责人 / 网站负责人)."""

    class PrincipalRole(models.TextChoices):
        ENTITY = "entity", _("主体负责人")
        WEBSITE = "website", _("网站负责人")

    role = models.CharField(_("角色"), max_length=10, choices=PrincipalRole.choices)
    name = models.CharField(_("姓名"), max_length=50)
    certificate_type = models.CharField(_("证件类型"), max_length=60)
    certificate_number = models.CharField(_("证件号码"), max_length=40)
    valid_from = models.DateField(_("证件有效期起"), null=True, blank=True)
    valid_to = models.DateField(_("证件有效期止"), null=True, blank=True, help_text=_("留空表示长期。"))
    mobile = models.CharField(_("手机号码"), max_length=20, db_index=True)
    emergency_phone = models.CharField(_("应急联系电话"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)

    class Meta:
        verbose_name = _("负责人")
        verbose_name_plural = _("负责人")

    def __str__(self) -> str:
        return self.name


class Entity(NoDeleteModel):
    """主体 / 主办单位: the sponsor of one or more websites; one per applicant account."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("所属账户"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="entity")
    entity_type = models.CharField(_("主办单位性质"), max_length=30)
    name = models.CharField(_("主办单位名称"), max_length=100, db_index=True)
    certificate_type = models.CharField(_("证件类型"), max_length=60)
    certificate_number = models.CharField(_("证件号码"), max_length=40, db_index=True)
    province = models.ForeignKey(Province, verbose_name=_("备案省份"), on_delete=models.PROTECT)
    city = models.CharField(_("城市"), max_length=30, blank=True)
    district = models.CharField(_("区县"), max_length=30, blank=True)
    certificate_address = models.CharField(_("证件住所"), max_length=200, blank=True)
    communication_address = models.CharField(_("通信地址"), max_length=200, blank=True)
    superior_unit = models.CharField(_("投资者或上级主管单位"), max_length=100, blank=True)
    remarks = models.TextField(_("备注"), blank=True)
    principal = models.ForeignKey(Principal, verbose_name=_("主体负责人"), on_delete=models.PROTECT,
                                  related_name="+")
    number = models.CharField(_("主体备案号"), max_length=40, null=True, blank=True, unique=True)
    website_suffix_high = models.PositiveIntegerField(
        _("已签发网站序号上限"), default=0, help_text=_("网站备案号 -N 从不复用：下一个为此值加一。"))
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    empty_shell = models.BooleanField(_("空壳主体"), default=False, help_text=_("没有任何有效网站。"))
    version = models.PositiveIntegerField(_("版本"), default=0)
    approved_at = models.DateTimeField(_("审核通过时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("主体")
        verbose_name_plural = _("主体")

    def __str__(self) -> str:
        return self.name


class Website(NoDeleteModel):
    """网站 / 互联网信息服务 of an entity, with MIIT's access-limited flag."""

    entity = models.ForeignKey(Entity, verbose_name=_("主体"), on_delete=models.PROTECT, related_name="websites")
    name = models.CharField(_("网站名称"), max_length=100)
    home_url = models.CharField(_("首页网址"), max_length=255, blank=True)
    service_content = models.JSONField(_("服务内容"), default=list, blank=True)
    languages = models.JSONField(_("网站语言"), default=list, blank=True)
    remarks = models.TextField(_("备注"), blank=True)
    principal = models.ForeignKey(Principal, verbose_name=_("网站负责人"), on_delete=models.PROTECT,
                                  related_name="+")
    number = models.CharField(_("网站备案号"), max_length=44, null=True, blank=True, unique=True)
    suffix = models.PositiveIntegerField(_("网站序号"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    access_limited = models.BooleanField(_("是否限制接入"), default=False)
    without_access = models.BooleanField(_("无接入"), default=False, help_text=_("空壳网站：没有有效接入。"))
    approved_at = models.DateTimeField(_("审核通过时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("网站")
        verbose_name_plural = _("网站")
        ordering = ["suffix", "id"]

    def __str__(self) -> str:
        return self.name


class Domain(NoDeleteModel):
    """A registrable domain of a website, in Unicode and ASCII form; unique among active rows."""

    website = models.ForeignKey(Website, verbose_name=_("网站"), on_delete=models.PROTECT, related_name="domains")
    name = models.CharField(_("域名"), max_length=253, help_text=_("Unicode 形式，如 例子.中国。"))
    ascii = models.CharField(_("ASCII 形式"), max_length=253, help_text=_("Punycode，如 xn--fsqu00a.xn--fiqs8s。"))
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("域名")
        verbose_name_plural = _("域名")
        ordering = ["sort", "id"]
        indexes = [models.Index(fields=["ascii"], name="registry_domain_ascii")]
        constraints = [
            models.UniqueConstraint(fields=["ascii"], condition=Q(status="active"),
                                    name="registry_domain_active_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Access(NoDeleteModel):
    """接入信息: one access provider's record for a website — method, region and IP ranges."""

    website = models.ForeignKey(Website, verbose_name=_("网站"), on_delete=models.PROTECT, related_name="access")
    provider = models.ForeignKey(AccessProvider, verbose_name=_("接入商"), on_delete=models.PROTECT)
    method = models.CharField(_("接入方式"), max_length=20)
    region = models.CharField(_("服务器放置地"), max_length=60, blank=True)
    ip_ranges = models.JSONField(_("IP 地址段"), default=list, blank=True, help_text=_('[{"start": …, "end": …}]'))
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("接入信息")
        verbose_name_plural = _("接入信息")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.region}"


class PreApproval(NoDeleteModel):
    """前置审批 of a website: type and approval number."""

    website = models.ForeignKey(Website, verbose_name=_("网站"), on_delete=models.PROTECT,
                                related_name="pre_approvals")
    type = models.CharField(_("审批类型"), max_length=40)
    number = models.CharField(_("审批文号"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)

    class Meta:
        verbose_name = _("前置审批")
        verbose_name_plural = _("前置审批")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.type} {self.number}"


class NumberSeries(models.Model):
    """The last entity serial issued per province per year (China Standard Time) by the bureau stage."""

    province = models.ForeignKey(Province, verbose_name=_("省份"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年份"))
    last_serial = models.PositiveIntegerField(_("最后序号"), default=0)

    class Meta:
        verbose_name = _("备案号序列")
        verbose_name_plural = _("备案号序列")
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="registry_numberseries_unique")]

    def __str__(self) -> str:
        return f"{self.province.abbr} {self.year}: {self.last_serial}"


class RegistryVersion(models.Model):
    """An approved state of one entity: the full ``FilingState`` snapshot plus the diff that led to it."""

    entity = models.ForeignKey(Entity, verbose_name=_("主体"), on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    snapshot = models.JSONField(_("快照"))
    diff = models.JSONField(_("变更内容"), default=list, blank=True)
    order = models.ForeignKey("orders.Order", verbose_name=_("订单"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("备案版本")
        verbose_name_plural = _("备案版本")
        ordering = ["entity", "version"]
        constraints = [models.UniqueConstraint(fields=["entity", "version"], name="registry_version_unique")]

    def __str__(self) -> str:
        return f"{self.entity_id} v{self.version}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Registry versions are append-only.")


class StaffViewLog(models.Model):
    """Audit log of a staff member seeing personal data (full certificate numbers, certificate images)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT,
                             related_name="+")
    entity = models.ForeignKey(Entity, verbose_name=_("主体"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    order_id = models.BigIntegerField(_("订单"), null=True, blank=True)
    what = models.CharField(_("查看内容"), max_length=60, help_text=_("如 certificate_numbers、material:12。"))
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.what} {self.at:%Y-%m-%d %H:%M}"
