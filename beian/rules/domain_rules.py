"""Domain rules (icp §5.3): fileable TLDs, registration validity, real name and holder, government suffixes.

The TLD list is data (``FileableTld``, national plus province differences); registration facts come from the
domain-facts plug-in (:mod:`beian.rules.domain_facts`, local table by default; unknown domains give no finding).
"""

from __future__ import annotations

import datetime as dt

from beian.core.errors import BeianError
from beian.core.validators import add_months, normalize_domain
from beian.rules.data import text_normalize, text_normalize_tld
from beian.rules.domain_facts import domain_facts, domain_facts_reads
from beian.rules.engine import RuleContext, finding, rule

DOMAINS = ("websites[].domains",)

# Entity types whose websites must use particular suffixes (icp §5.3: H7, H14).
GOVERNMENT_TYPES = ("政府机关",)
GOVERNMENT_SUFFIXES = ("gov.cn", "政务")
PUBLIC_INSTITUTION_TYPES = ("事业单位",)
PUBLIC_INSTITUTION_SUFFIXES = ("cn", "公益")


def _domains(ctx: RuleContext, *, new_only: bool = False):
    """(website, field path, DomainName) of valid domains; ``new_only`` skips domains already in the registry."""
    filed = set()
    if new_only and ctx.current is not None:
        filed = {d for w in ctx.current.websites for d in w.domains}
    for site in ctx.proposed.websites:
        for name in site.domains:
            if name in filed:
                continue
            try:
                domain = normalize_domain(name)
            except BeianError:
                continue  # the validators report it
            yield site, f"websites[{site.key}].domains", domain


def _tld(domain) -> str:
    return text_normalize_tld(domain.registrable_unicode.rsplit(".", 1)[-1])


@rule("DOMAIN_TLD_NOT_FILEABLE", source="icp §5.3 (H6, T7, Q4, T10)", reads=(*DOMAINS, "entity.province"),
      overrides=("FileableTld",),
      title_zh="域名的顶级域须在工信部可备案的顶级域名单内（按省份可能不同）",
      title_en="The domain's top-level domain is on the list of fileable TLDs (may differ per province)",
      hint_zh="换用可备案后缀的域名（如 .cn、.com），或将域名转入工信部批准的注册商。",
      hint_en="Use a domain under a fileable TLD (e.g. .cn, .com) at an MIIT-approved registrar.")
def tld_fileable(ctx: RuleContext):
    province = ctx.proposed.entity.province
    for _site, path, domain in _domains(ctx, new_only=True):
        tld = _tld(domain)
        if not ctx.data.tld_fileable(tld, province):
            yield finding("DOMAIN_TLD_NOT_FILEABLE", f"域名 {domain.registrable_unicode} 的后缀 .{tld} 不能备案。",
                          f"The domain {domain.registrable_unicode}: .{tld} is not a fileable TLD.", field=path,
                          value=domain.registrable_unicode)


def _fact_domains(ctx: RuleContext):
    if "domain_facts.items" not in ctx.memo:
        items = list(_domains(ctx))
        ctx.memo["domain_facts.items"] = (items, sorted({d.registrable_ascii for _s, _p, d in items}))
    return ctx.memo["domain_facts.items"]


def _facts_reads(ctx: RuleContext) -> list[tuple[str, list]]:
    return domain_facts_reads(_fact_domains(ctx)[1])


def _facts(ctx: RuleContext):
    if "domain_facts" not in ctx.memo:
        items, domains = _fact_domains(ctx)
        ctx.memo["domain_facts"] = (items, domain_facts(domains))
    items, facts = ctx.memo["domain_facts"]
    for site, path, domain in items:
        fact = facts.get(domain.registrable_ascii)
        if fact is not None:
            yield site, path, domain, fact


@rule("DOMAIN_REGISTRATION_EXPIRING", source="icp §5.3 (Q11, A11–A14)", reads=(*DOMAINS, "entity.province"),
      overrides=("ProvinceRule.domain_valid_months", "ProvinceRule.domain_valid_days", "DomainRegistration"),
      title_zh="域名注册须在有效期内，且剩余有效期超过备案省份的要求（默认 3 个月）",
      title_en="The domain registration has more validity left than the province requires (default 3 months)",
      hint_zh="先在注册商处续费域名。", hint_en="Renew the domain at the registrar first.",
      prefetch=_facts_reads)
def registration_expiring(ctx: RuleContext):
    settings = ctx.province
    if settings.domain_valid_days is not None:
        limit = ctx.on + dt.timedelta(days=settings.domain_valid_days)
        need_zh, need_en = f"{settings.domain_valid_days} 天", f"{settings.domain_valid_days} days"
    else:
        months = settings.domain_valid_months or 0
        limit = add_months(ctx.on, months)
        need_zh, need_en = f"{months} 个月", f"{months} months"
    for _site, path, domain, fact in _facts(ctx):
        if fact.expires_on is not None and fact.expires_on <= limit:
            yield finding("DOMAIN_REGISTRATION_EXPIRING",
                          f"域名 {domain.registrable_unicode} 将于 {fact.expires_on.isoformat()} 到期，"
                          f"剩余有效期须超过 {need_zh}。",
                          f"The domain {domain.registrable_unicode} expires on {fact.expires_on.isoformat()}; more "
                          f"than {need_en} of validity are required.", field=path, value=fact.expires_on.isoformat())


@rule("DOMAIN_NOT_REAL_NAME", source="icp §5.3 (T5, Q11, H18), §5.8 (H9)", reads=DOMAINS,
      overrides=("DomainRegistration",),
      title_zh="域名须已完成实名认证", title_en="The domain's real-name verification is complete",
      hint_zh="在注册商处完成实名认证，成功 3 个工作日后再提交。",
      hint_en="Complete the real-name verification at the registrar and submit 3 working days after it succeeds.",
      prefetch=_facts_reads)
def not_real_name(ctx: RuleContext):
    for _site, path, domain, fact in _facts(ctx):
        if not fact.real_name_verified:
            yield finding("DOMAIN_NOT_REAL_NAME", f"域名 {domain.registrable_unicode} 尚未完成实名认证。",
                          f"The domain {domain.registrable_unicode} has no completed real-name verification.",
                          field=path, value=domain.registrable_unicode)


@rule("DOMAIN_HOLDER_MISMATCH", source="icp §5.3 (T5, T7, A13–A15, H18), §1.4 (rename)",
      reads=(*DOMAINS, "entity.name"), overrides=("DomainRegistration",),
      title_zh="域名实名持有人须与主办单位（个人为本人）一致",
      title_en="The domain's real-name holder is the entity (for individuals: the person)",
      hint_zh="将域名过户到主办单位名下，或更新实名信息（主体更名后也须更新）。",
      hint_en="Transfer the domain to the entity or update its real-name data (also after a rename).",
      prefetch=_facts_reads)
def holder_mismatch(ctx: RuleContext):
    entity = text_normalize(ctx.proposed.entity.name)
    for _site, path, domain, fact in _facts(ctx):
        if fact.real_name_verified and fact.holder and text_normalize(fact.holder) != entity:
            yield finding("DOMAIN_HOLDER_MISMATCH",
                          f"域名 {domain.registrable_unicode} 的实名持有人“{fact.holder}”与主办单位名称不一致。",
                          f"The holder '{fact.holder}' of {domain.registrable_unicode} is not the entity.",
                          field=path, value=fact.holder)


def _suffix_ok(domain, suffixes) -> bool:
    name = domain.registrable_unicode
    return any(name.endswith("." + s) for s in suffixes)


@rule("DOMAIN_GOVERNMENT_SUFFIX", source="icp §5.3 (H7, H14)", reads=(*DOMAINS, "entity.type"),
      title_zh="政府机关网站须使用 .gov.cn 或 .政务 域名", title_en="Government bodies use .gov.cn or .政务 domains",
      hint_zh="向上级单位申请 .gov.cn 或 .政务 域名。", hint_en="Apply for a .gov.cn or .政务 domain.")
def government_suffix(ctx: RuleContext):
    if ctx.proposed.entity.type not in GOVERNMENT_TYPES:
        return
    for _site, path, domain in _domains(ctx, new_only=True):
        if not _suffix_ok(domain, GOVERNMENT_SUFFIXES):
            yield finding("DOMAIN_GOVERNMENT_SUFFIX",
                          f"政府机关网站的域名 {domain.registrable_unicode} 须以 .gov.cn 或 .政务 结尾。",
                          f"A government body's domain {domain.registrable_unicode} must end in .gov.cn or .政务.",
                          field=path, value=domain.registrable_unicode)


@rule("DOMAIN_PUBLIC_INSTITUTION_SUFFIX", severity="warning", source="icp §5.3 (H7, H14)",
      reads=(*DOMAINS, "entity.type"),
      title_zh="事业单位网站应使用 .cn 或 .公益 域名", title_en="Public institutions use .cn or .公益 domains",
      hint_zh="建议使用 .cn 或 .公益 域名。", hint_en="Prefer a .cn or .公益 domain.")
def public_institution_suffix(ctx: RuleContext):
    if ctx.proposed.entity.type not in PUBLIC_INSTITUTION_TYPES:
        return
    for _site, path, domain in _domains(ctx, new_only=True):
        if not _suffix_ok(domain, PUBLIC_INSTITUTION_SUFFIXES):
            yield finding("DOMAIN_PUBLIC_INSTITUTION_SUFFIX",
                          f"事业单位网站的域名 {domain.registrable_unicode} 应以 .cn 或 .公益 结尾。",
                          f"A public institution's domain {domain.registrable_unicode} should end in .cn or .公益.",
                          field=path, value=domain.registrable_unicode)
