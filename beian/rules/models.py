"""The data the rules read (design.md §7): province overrides, word categories, fileable TLDs, this provider's
IP ranges and the local domain registration facts.

Every table is edited by operators in the admin; every save and delete through the model writes a
:class:`RuleDataEdit` row (the history of edits, with the values before and after), and the rules engine's
cache and the catalogue version recorded on each order follow the newest edit. Seeds come from data
migrations with their sources.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _


def _jsonable(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, (list, tuple)):
            value = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "pk"):
            value = value.pk
        out[key] = value
    return out


class RuleDataEdit(models.Model):
    """One edit of the rules' data: which row, what it was before and after, who, when (append-only)."""

    model = models.CharField(_("数据表"), max_length=60)
    object_id = models.BigIntegerField(_("记录"))
    action = models.CharField(_("操作"), max_length=10, choices=[("create", _("新增")), ("update", _("修改")),
                                                              ("delete", _("删除"))])
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("规则数据修改记录")
        verbose_name_plural = _("规则数据修改记录")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The history of rule data edits is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The history of rule data edits is append-only.")


def _changed_here() -> None:
    # This process sees its own edit at once; the others at their next check (core.refdata).
    from beian.rules.data import rules_data_reset

    rules_data_reset()


class EditLogged(models.Model):
    """Base of the rules' data tables: every save and delete is written to :class:`RuleDataEdit`.

    Set ``obj._actor = user`` before saving to record who edited (the admin does).
    """

    class Meta:
        abstract = True

    def _snapshot(self) -> dict:
        return _jsonable(model_to_dict(self))

    def save(self, *args, **kwargs):
        before = None
        if self.pk is not None:
            old = type(self).objects.filter(pk=self.pk).first()
            before = old._snapshot() if old is not None else None
        super().save(*args, **kwargs)
        RuleDataEdit.objects.create(model=type(self).__name__, object_id=self.pk,
                                    action="update" if before is not None else "create", before=before,
                                    after=self._snapshot(), actor=getattr(self, "_actor", None))
        _changed_here()

    def delete(self, *args, **kwargs):
        before, pk = self._snapshot(), self.pk
        result = super().delete(*args, **kwargs)
        RuleDataEdit.objects.create(model=type(self).__name__, object_id=pk, action="delete", before=before,
                                    actor=getattr(self, "_actor", None))
        _changed_here()
        return result


class ProvinceRule(EditLogged):
    """National defaults (no province) and one province's overrides; an empty field inherits the default.

    Rule code never names a province: every province difference is a row here (icp §5.2–§5.6).
    """

    class LegalRep(models.TextChoices):
        # The organisation's entity principal must be its legal representative.
        REQUIRED = "required", _("主体负责人须为法定代表人")
        # Another person may be entity principal with the legal representative's authorisation letter.
        AUTHORISATION = "authorisation", _("非法定代表人须提供授权书")

    class Residence(models.TextChoices):
        # An individual whose ID is from another province files with a residence proof.
        PROOF = "proof", _("外省个人须提供居住证明")
        # Only individuals with a local ID may file here.
        LOCAL_ONLY = "local_only", _("仅限本省身份证")

    class CrossProvince(models.TextChoices):
        # A server outside the filing province needs an explanation (the founding document's rule).
        EXPLAIN = "explain", _("需提供跨省接入说明")
        ALLOWED = "allowed", _("允许，无需说明")
        FORBIDDEN = "forbidden", _("不允许")

    province = models.OneToOneField("registry.Province", verbose_name=_("省份"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="rule",
                                    help_text=_("留空表示全国默认值；只能有一行全国默认值。"))
    min_age = models.PositiveSmallIntegerField(_("负责人最低年龄"), null=True, blank=True)
    certificate_valid_months = models.PositiveSmallIntegerField(
        _("证件剩余有效期（月）"), null=True, blank=True, help_text=_("负责人证件须剩余超过此月数。"))
    domain_valid_months = models.PositiveSmallIntegerField(
        _("域名剩余有效期（月）"), null=True, blank=True,
        help_text=_("域名注册须剩余超过此月数；与“天数”只填其一，本行填写任一项即覆盖全国默认值。"))
    domain_valid_days = models.PositiveSmallIntegerField(_("域名剩余有效期（天）"), null=True, blank=True)
    legal_rep = models.CharField(_("法定代表人规则"), max_length=20, choices=LegalRep.choices, blank=True)
    website_principal_authorisation = models.BooleanField(
        _("网站负责人非主体负责人时需授权书"), null=True, blank=True)
    max_websites_per_order_individual = models.PositiveSmallIntegerField(_("个人每单网站数上限"), null=True,
                                                                         blank=True)
    max_websites_per_order_organisation = models.PositiveSmallIntegerField(_("单位每单网站数上限"), null=True,
                                                                           blank=True)
    max_websites_individual = models.PositiveSmallIntegerField(_("个人主体网站总数上限"), null=True, blank=True)
    max_websites_organisation = models.PositiveSmallIntegerField(_("单位主体网站总数上限"), null=True, blank=True)
    residence = models.CharField(_("外省个人"), max_length=20, choices=Residence.choices, blank=True)
    cross_province_server = models.CharField(_("服务器在外省"), max_length=20, choices=CrossProvince.choices,
                                             blank=True)
    source = models.TextField(_("依据"), blank=True, help_text=_("icp-domain.md 的章节与来源编号。"))

    class Meta:
        verbose_name = _("省份规则")
        verbose_name_plural = _("省份规则")
        ordering = ["province__sort"]

    def __str__(self) -> str:
        return str(self.province) if self.province_id else "全国默认"

    def save(self, *args, **kwargs):
        if self.province_id is None and ProvinceRule.objects.filter(province=None).exclude(pk=self.pk).exists():
            raise ValueError("There is already a row of national defaults.")
        super().save(*args, **kwargs)

    OVERRIDABLE = ("min_age", "certificate_valid_months", "legal_rep", "website_principal_authorisation",
                   "max_websites_per_order_individual", "max_websites_per_order_organisation",
                   "max_websites_individual", "max_websites_organisation", "residence", "cross_province_server")


class WordCategory(EditLogged):
    """A maintained word list (icp §2.5, §5.1, §5.7): where it applies, its severity, its pre-approval."""

    class AppliesTo(models.TextChoices):
        ALL = "all", _("所有主体")
        INDIVIDUAL = "individual", _("个人主体")
        NON_NATIONAL = "non_national", _("非中央单位")

    class Screen(models.TextChoices):
        # Website names only.
        NAME = "name", _("网站名称")
        # Website names, remarks, service content and entity remarks.
        CONTENT = "content", _("名称、服务内容和备注")
        # As content, plus the entity's own name (finance words: 银发〔2015〕221号).
        CONTENT_AND_ENTITY = "content_entity", _("名称、服务内容、备注和主体名称")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name_zh = models.CharField(_("名称（中文）"), max_length=60)
    name_en = models.CharField(_("名称（英文）"), max_length=60)
    rule_code = models.CharField(_("规则代码"), max_length=60, help_text=_("命中时产生的规则代码。"))
    applies_to = models.CharField(_("适用主体"), max_length=20, choices=AppliesTo.choices, default=AppliesTo.ALL)
    screen = models.CharField(_("检查范围"), max_length=20, choices=Screen.choices, default=Screen.NAME)
    pre_approval_type = models.CharField(_("所需前置审批类型"), max_length=40, blank=True,
                                         help_text=_("前置审批类型名称；有该审批时只需上传审批文件。"))
    commitment_instead = models.BooleanField(_("可用承诺书代替"), default=False,
                                             help_text=_("没有前置审批时可提交省份承诺书（如金融类）。"))
    active = models.BooleanField(_("启用"), default=True)
    source = models.TextField(_("来源"), blank=True)

    class Meta:
        verbose_name = _("词库类别")
        verbose_name_plural = _("词库类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class Word(EditLogged):
    """One word of a category; matched after full-width, space and Traditional→Simplified normalisation."""

    category = models.ForeignKey(WordCategory, verbose_name=_("类别"), on_delete=models.CASCADE,
                                 related_name="words")
    word = models.CharField(_("词"), max_length=40)
    province = models.ForeignKey("registry.Province", verbose_name=_("仅限省份"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+", help_text=_("留空表示全国。"))
    source = models.CharField(_("来源"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("词")
        verbose_name_plural = _("词")
        ordering = ["category", "word"]
        constraints = [models.UniqueConstraint(fields=["category", "word", "province"], name="rules_word_unique")]

    def __str__(self) -> str:
        return self.word


class FileableTld(EditLogged):
    """A top-level domain and whether it can be filed: national (no province) or a province's difference."""

    tld = models.CharField(_("顶级域"), max_length=63, help_text=_("Unicode 形式，不带点，如 com、中国。"))
    province = models.ForeignKey("registry.Province", verbose_name=_("省份"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+", help_text=_("留空表示全国。"))
    fileable = models.BooleanField(_("可备案"), default=True)
    source = models.CharField(_("来源"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("可备案顶级域")
        verbose_name_plural = _("可备案顶级域")
        ordering = ["tld"]
        constraints = [models.UniqueConstraint(fields=["tld", "province"], name="rules_tld_unique")]

    def __str__(self) -> str:
        return f".{self.tld}" + (f" ({self.province})" if self.province_id else "")


class ProviderIpRange(EditLogged):
    """One of this provider's mainland public IP ranges and the region (province) its servers are in."""

    name = models.CharField(_("名称"), max_length=100, help_text=_("如 华东1（杭州）公网 IP 段。"))
    start = models.GenericIPAddressField(_("起始地址"))
    end = models.GenericIPAddressField(_("结束地址"))
    province = models.ForeignKey("registry.Province", verbose_name=_("所在省份"), on_delete=models.PROTECT,
                                 related_name="+")
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("本接入商 IP 段")
        verbose_name_plural = _("本接入商 IP 段")
        ordering = ["province__sort", "start"]

    def __str__(self) -> str:
        return f"{self.name} {self.start}–{self.end}"


class DomainRegistration(EditLogged):
    """Registration facts of a domain for the local domain-facts backend: validity, real name, holder.

    Filled by the operator (or an import from the registrar's data); the rules never query the internet.
    """

    domain = models.CharField(_("域名"), max_length=253, unique=True, help_text=_("ASCII（punycode）注册域名。"))
    registrar = models.CharField(_("注册商"), max_length=100, blank=True)
    expires_on = models.DateField(_("到期日"), null=True, blank=True)
    real_name_verified = models.BooleanField(_("已实名认证"), default=False)
    holder = models.CharField(_("实名持有人"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("域名注册信息")
        verbose_name_plural = _("域名注册信息")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain
