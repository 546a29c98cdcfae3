"""Content screening (icp §2.5, §5.1, §5.7): names, service content and remarks against the word categories.

Forbidden categories (gambling, fraud, pornography, politically sensitive) refuse; pre-approval categories
(news, publishing, education, medical, drugs, culture, broadcast, finance) ask for the matching pre-approval
document, or — where the category allows it (finance) — the province commitment letter.
"""

from __future__ import annotations

from beian.rules.data import text_normalize
from beian.rules.engine import RuleContext, finding, rule

CONTENT = ("websites[].name", "websites[].remarks", "websites[].service_content", "entity.remarks")


def _texts(ctx: RuleContext, with_entity_name: bool):
    """(website or None, field path, text) of every screened text."""
    e = ctx.proposed.entity
    if e.remarks:
        yield None, "entity.remarks", e.remarks
    if with_entity_name and e.name:
        yield None, "entity.name", e.name
    for site in ctx.proposed.websites:
        base = f"websites[{site.key}]"
        if site.name:
            yield site, f"{base}.name", site.name
        if site.remarks:
            yield site, f"{base}.remarks", site.remarks
        for item in site.service_content:
            yield site, f"{base}.service_content", item


def _categories(ctx: RuleContext, code: str):
    return [c for c in ctx.data.categories if c.rule_code == code]


def _applies(ctx: RuleContext, cat) -> bool:
    return cat.applies_to == "all" or (cat.applies_to == "individual") == ctx.individual


@rule("CONTENT_FORBIDDEN_WORD", source="icp §5.1 (T5, Q9), §5.7; 互联网信息服务管理办法 第十五条",
      reads=(*CONTENT, "entity.name"), overrides=("Word: gambling, fraud, pornography, political",),
      title_zh="名称、服务内容和备注不能含有赌博、诈骗、色情、政治敏感等词语",
      title_en="Names, service content and remarks contain no gambling, fraud, pornography or politically "
               "sensitive words",
      hint_zh="删除该词语；如网站确实提供此类内容，不能备案。",
      hint_en="Remove the word; a site offering such content cannot be filed.")
def forbidden_word(ctx: RuleContext):
    cats = [c for c in _categories(ctx, "CONTENT_FORBIDDEN_WORD") if _applies(ctx, c)]
    if not cats:
        return
    with_entity = any(c.screen == "content_entity" for c in cats)
    for _site, path, text in _texts(ctx, with_entity):
        norm = text_normalize(text)
        for cat in cats:
            if path == "entity.name" and cat.screen != "content_entity":
                continue
            for word in cat.matches(norm, ctx.proposed.entity.province):
                yield finding("CONTENT_FORBIDDEN_WORD", f"“{text}”含有{cat.name_zh}词语“{word}”。",
                              f"'{text}' contains the {cat.name_en} word '{word}'.", field=path, value=word)


@rule("CONTENT_PRE_APPROVAL_REQUIRED", severity="needs_material", source="icp §2.5 (Q14, R12, T10), §5.7 (Q15)",
      reads=(*CONTENT, "entity.name", "websites[].pre_approvals"), overrides=("Word: pre-approval categories",),
      title_zh="涉及新闻、出版、教育、医疗保健、药品和医疗器械、文化、广播电影电视、金融等内容须有对应前置审批"
               "（金融类可提交省份承诺书）",
      title_en="News, publishing, education, medical, drugs, culture, broadcast and finance content needs the "
               "matching pre-approval (finance: or the province commitment letter)",
      hint_zh="在网站的前置审批中添加对应类型和审批文号并上传审批文件；不涉及时请修改名称或备注。",
      hint_en="Add the pre-approval (type and number) to the website and upload its document; if the site does "
              "not offer this, change the name or remarks.")
def pre_approval_word(ctx: RuleContext):
    cats = [c for c in _categories(ctx, "CONTENT_PRE_APPROVAL_REQUIRED") if _applies(ctx, c) and c.pre_approval_type]
    if not cats:
        return
    province = ctx.proposed.entity.province
    seen: set[tuple[str, str]] = set()
    entity_hits = []
    for site, path, text in _texts(ctx, True):
        norm = text_normalize(text)
        for cat in cats:
            if path == "entity.name" and cat.screen != "content_entity":
                continue
            words = cat.matches(norm, province)
            if not words:
                continue
            if site is None:
                entity_hits.append((cat, words[0], path))
                continue
            yield from _needs(cat, words[0], site, path, seen)
    for cat, word, path in entity_hits:  # the entity's own name or remarks: every website is concerned
        for site in ctx.proposed.websites:
            yield from _needs(cat, word, site, path, seen)


def _needs(cat, word, site, path, seen):
    key = (site.key, cat.code)
    if key in seen:
        return
    seen.add(key)
    has = any(p.type == cat.pre_approval_type for p in site.pre_approvals)
    target = f"websites[{site.key}].pre_approvals"
    if has:
        yield finding("CONTENT_PRE_APPROVAL_REQUIRED",
                      f"“{word}”属于{cat.name_zh}内容：请上传“{cat.pre_approval_type}”前置审批文件。",
                      f"'{word}' is {cat.name_en} content: upload the '{cat.pre_approval_type}' pre-approval "
                      "document.", field=target, value=word, requirement="pre_approval_document")
    elif cat.commitment_instead:
        yield finding("CONTENT_PRE_APPROVAL_REQUIRED",
                      f"{path} 中的“{word}”属于{cat.name_zh}内容：请添加“{cat.pre_approval_type}”前置审批，"
                      "或提交省份承诺书。",
                      f"'{word}' in {path} is {cat.name_en} content: add the '{cat.pre_approval_type}' "
                      "pre-approval or provide the province commitment letter.", field=target, value=word,
                      requirement="commitment_letter")
    else:
        yield finding("CONTENT_PRE_APPROVAL_REQUIRED",
                      f"{path} 中的“{word}”属于{cat.name_zh}内容，须先取得“{cat.pre_approval_type}”前置审批。",
                      f"'{word}' in {path} is {cat.name_en} content and needs the '{cat.pre_approval_type}' "
                      "pre-approval first.", field=target, value=word, severity="error")
