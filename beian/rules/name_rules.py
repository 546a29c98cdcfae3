"""Website name rules (icp §5.1) and the individual/organisation naming rules (icp §5.2).

Word lists are data (``WordCategory`` / ``Word``), matched after :func:`beian.rules.data.text_normalize`.
"""

from __future__ import annotations

import re
import unicodedata

from beian.rules.data import text_normalize
from beian.rules.engine import RuleContext, finding, rule

NAME = ("websites[].name",)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ALLOWED_SYMBOLS = set("()-（）·— ")
_DOMAIN_LIKE = re.compile(r"^(?:[\w-]+\.)+[a-z\u4e00-\u9fff]{2,}$", re.IGNORECASE)


def _names(ctx: RuleContext):
    for site in ctx.proposed.websites:
        if site.name:
            yield site, f"websites[{site.key}].name", site.name


def _counted(name: str) -> int:
    return sum(1 for c in unicodedata.normalize("NFKC", name) if c not in _ALLOWED_SYMBOLS and not c.isspace())


@rule("WEBSITE_NAME_LENGTH", source="icp §5.1 (T5, P-3z0)", reads=NAME,
      title_zh="网站名称至少 3 个字（字母或数字各算一个，括号和连字符不计）",
      title_en="A website name has at least 3 characters (brackets and hyphens do not count)",
      hint_zh="用能概括网站内容的 3 个字以上的名称。",
      hint_en="Use a name of 3 or more characters describing the site.")
def name_length(ctx: RuleContext):
    for _site, path, name in _names(ctx):
        if _counted(name) < 3:
            yield finding("WEBSITE_NAME_LENGTH", f"网站名称“{name}”太短，至少需要 3 个字。",
                          f"The website name '{name}' is too short: at least 3 characters.", field=path, value=name)


@rule("WEBSITE_NAME_DIGITS_OR_LETTERS", source="icp §5.1 (T5, Q9, H3)", reads=NAME,
      title_zh="网站名称不能只由数字或字母组成", title_en="A website name is not only digits or letters",
      hint_zh="加入能说明网站内容的中文。", hint_en="Add Chinese words describing the site.")
def name_digits_letters(ctx: RuleContext):
    for _site, path, name in _names(ctx):
        compact = "".join(c for c in unicodedata.normalize("NFKC", name) if not c.isspace())
        if compact and compact.isascii() and compact.isalnum():
            yield finding("WEBSITE_NAME_DIGITS_OR_LETTERS", f"网站名称“{name}”不能只由数字或字母组成。",
                          f"The website name '{name}' must not consist only of digits or letters.", field=path,
                          value=name)


@rule("WEBSITE_NAME_IS_DOMAIN", source="icp §5.1 (T5, Q9)", reads=NAME,
      title_zh="网站名称不能是域名", title_en="A website name is not a domain name",
      hint_zh="名称应描述网站内容，例如“某某公司官网”。", hint_en="Name what the site is, e.g. 'X company website'.")
def name_is_domain(ctx: RuleContext):
    for _site, path, name in _names(ctx):
        text = unicodedata.normalize("NFKC", name).strip().replace("。", ".")
        if _DOMAIN_LIKE.match(text):
            yield finding("WEBSITE_NAME_IS_DOMAIN", f"网站名称“{name}”是域名，请填写描述网站内容的名称。",
                          f"The website name '{name}' is a domain name; name the site's content instead.",
                          field=path, value=name)


@rule("WEBSITE_NAME_SYMBOL", source="icp §5.1 (T5, Q9; P-3z0 allows () and -)", reads=NAME,
      title_zh="网站名称不能含特殊符号（括号、连字符除外）",
      title_en="A website name has no special symbols (brackets and hyphens allowed)",
      hint_zh="删除特殊符号。", hint_en="Remove the symbols.")
def name_symbol(ctx: RuleContext):
    for _site, path, name in _names(ctx):
        text = unicodedata.normalize("NFKC", name).strip()
        if _DOMAIN_LIKE.match(text.replace("。", ".")):
            continue  # reported as WEBSITE_NAME_IS_DOMAIN
        bad = sorted({c for c in text if not (c.isalnum() or _CJK.match(c) or c in _ALLOWED_SYMBOLS)})
        if bad:
            symbols = "".join(bad)
            yield finding("WEBSITE_NAME_SYMBOL", f"网站名称“{name}”含有特殊符号“{symbols}”。",
                          f"The website name '{name}' contains the symbols '{symbols}'.", field=path, value=symbols)


def _category_hits(ctx: RuleContext, code: str, text: str):
    norm = text_normalize(text)
    for cat in ctx.data.categories:
        if cat.rule_code == code:
            for word in cat.matches(norm, ctx.proposed.entity.province):
                yield cat, word


@rule("WEBSITE_NAME_PERSONAL_FORBIDDEN_WORD", source="icp §5.1 (Q9, P-bkzhishi), §5.2 (T5)",
      reads=(*NAME, "entity.type"), overrides=("Word: personal_forbidden",),
      title_zh="个人网站名称不能含有行业、企业、论坛等词语（词库：个人禁用词）",
      title_en="An individual's website name avoids business, company and forum words (list: personal words)",
      hint_zh="个人网站名称应体现个人性质，如“张三的摄影笔记”；如涉及企业经营请以单位主体备案。",
      hint_en="Name a personal site as personal (e.g. 'Zhang San's photo notes'); business sites file as an "
              "organisation.")
def name_personal_word(ctx: RuleContext):
    if not ctx.individual:
        return
    for _site, path, name in _names(ctx):
        for _cat, word in _category_hits(ctx, "WEBSITE_NAME_PERSONAL_FORBIDDEN_WORD", name):
            yield finding("WEBSITE_NAME_PERSONAL_FORBIDDEN_WORD", f"个人网站名称“{name}”不能含有“{word}”。",
                          f"An individual's website name '{name}' must not contain '{word}'.", field=path,
                          value=word)


def _national_unit(ctx: RuleContext) -> bool:
    """A unit registered by a national authority (credit code division 100000) may use 中国/国家… with proof."""
    number = ctx.proposed.entity.certificate_number.upper()
    return not ctx.individual and len(number) == 18 and number[2:8] == "100000"


@rule("WEBSITE_NAME_NATIONAL_WORD", source="icp §5.1 (Q9, H3, P-cenje)", reads=(*NAME, "entity.certificate_number"),
      overrides=("Word: national_words",),
      title_zh="非中央单位的网站名称不能含有中国、中华、国家等词语（词库：国家级词语）",
      title_en="Only national units may use 中国, 中华, 国家 … in a website name (list: national words)",
      hint_zh="删除该词语；中央单位请提供证明材料。", hint_en="Remove the word; national units provide proof.")
def name_national_word(ctx: RuleContext):
    if _national_unit(ctx):
        return
    for _site, path, name in _names(ctx):
        for _cat, word in _category_hits(ctx, "WEBSITE_NAME_NATIONAL_WORD", name):
            yield finding("WEBSITE_NAME_NATIONAL_WORD", f"网站名称“{name}”含有“{word}”，非中央单位不能使用。",
                          f"The website name '{name}' contains '{word}', which only national units may use.",
                          field=path, value=word)


@rule("WEBSITE_NAME_FORUM_WORD", source="icp §5.1 (Q4, Q9, R12)",
      reads=(*NAME, "entity.type", "websites[].pre_approvals"), severity="warning", overrides=("Word: forum_words",),
      title_zh="名称含论坛、社区、在线等词语意味着论坛或前置审批内容：个人不可使用，单位需确认（词库：论坛词）",
      title_en="Forum / community / online words imply a forum or pre-approval content: refused for individuals, "
               "a warning for organisations (list: forum words)",
      hint_zh="如网站没有论坛、社区等交互功能，请删除该词语。",
      hint_en="If the site has no forum or community features, remove the word.")
def name_forum_word(ctx: RuleContext):
    for site, path, name in _names(ctx):
        for _cat, word in _category_hits(ctx, "WEBSITE_NAME_FORUM_WORD", name):
            if ctx.individual:
                yield finding("WEBSITE_NAME_FORUM_WORD", f"个人网站名称“{name}”不能含有“{word}”。",
                              f"An individual's website name '{name}' must not contain '{word}'.", field=path,
                              value=word, severity="error")
            elif not site.pre_approvals:
                yield finding("WEBSITE_NAME_FORUM_WORD",
                              f"网站名称“{name}”含有“{word}”，可能被认为提供论坛或需前置审批的服务。",
                              f"The website name '{name}' contains '{word}', which suggests a forum or a service "
                              "needing pre-approval.", field=path, value=word)


_EXPLAINED = re.compile(r"项目|产品|品牌|商标|简称|服务名|平台名")


def _cores(entity_name: str) -> set[str]:
    """Two-character pieces of the entity's name (its brand part is among them)."""
    norm = text_normalize(entity_name)
    return {norm[i:i + 2] for i in range(len(norm) - 1)}


_GENERIC = {"有限", "限公", "公司", "股份", "集团", "科技", "网络", "信息", "技术", "发展", "责任", "中心"}


@rule("WEBSITE_NAME_UNRELATED_TO_ENTITY", severity="warning", source="icp §5.1 (H9, T5, H2)",
      reads=(*NAME, "entity.name", "websites[].remarks", "entity.type"),
      title_zh="单位网站名称应与主办单位名称相关，或在备注中说明（如“XX为本公司的产品”）",
      title_en="An organisation's website name relates to its name, or the remarks explain it",
      hint_zh="在网站备注中写明“XX为本单位的项目/产品”，部分省份要求商标证书。",
      hint_en="Explain in the website's remarks that the name is the organisation's project or product; some "
              "provinces ask for a trademark certificate.")
def name_unrelated(ctx: RuleContext):
    if ctx.individual or not ctx.proposed.entity.name:
        return
    cores = _cores(ctx.proposed.entity.name) - _GENERIC
    for site, path, name in _names(ctx):
        norm = text_normalize(name)
        if any(c in norm for c in cores):
            continue
        remarks = text_normalize(site.remarks)
        if remarks and (norm in remarks or _EXPLAINED.search(remarks)):
            continue
        yield finding("WEBSITE_NAME_UNRELATED_TO_ENTITY",
                      f"网站名称“{name}”与主办单位名称无关，且备注中没有说明。",
                      f"The website name '{name}' is unrelated to the organisation's name and the remarks do not "
                      "explain it.", field=path, value=name)


@rule("INDIVIDUAL_REMARKS_REQUIRED", source="icp §2.5, §5.2 (Q11, Q4)", reads=("websites[].remarks", "entity.type"),
      title_zh="个人网站须在备注中描述网站的实际内容（至少 5 个字）",
      title_en="An individual's website describes its actual content in the remarks (at least 5 characters)",
      hint_zh="例如“个人技术博客，记录学习笔记，无交互功能”。",
      hint_en="E.g. 'personal tech blog with study notes, no interactive features'.")
def individual_remarks(ctx: RuleContext):
    if not ctx.individual:
        return
    for site in ctx.proposed.websites:
        if len(text_normalize(site.remarks)) < 5:
            yield finding("INDIVIDUAL_REMARKS_REQUIRED", "个人网站须在备注中描述网站的实际内容。",
                          "An individual's website must describe its actual content in the remarks.",
                          field=f"websites[{site.key}].remarks", value=site.remarks or None)
