"""Writes to the rules' data outside the admin (each through the models, so every edit is logged)."""

from __future__ import annotations

from django.db import transaction

from beian.core.errors import error


@transaction.atomic
def words_import(*, category: str, lines: list[str], province: str | None = None, source: str = "",
                 actor=None) -> int:
    """Add the words of ``lines`` (one per line, ``#`` comments) to a category; returns how many were new."""
    from beian.registry.models import Province
    from beian.rules.models import Word, WordCategory

    cat = WordCategory.objects.filter(code=category).first()
    if cat is None:
        raise error("WORD_CATEGORY_UNKNOWN", f"词库类别“{category}”不存在。", f"No word category '{category}'.",
                    field="category", status=404)
    prov = None
    if province:
        prov = Province.objects.filter(code=province).first()
        if prov is None:
            raise error("PROVINCE_UNKNOWN", f"省份代码“{province}”不存在。", f"No province '{province}'.",
                        field="province", status=404)
    added = 0
    for line in lines:
        word = line.split("#", 1)[0].strip()
        if not word or Word.objects.filter(category=cat, word=word, province=prov).exists():
            continue
        row = Word(category=cat, word=word[:40], province=prov, source=source[:120])
        row._actor = actor
        row.save()
        added += 1
    return added
