"""docs/rules.md is generated from the catalogue and the seeded data; it must be current."""

from beian.rules.docs import DOC_PATH, rules_markdown


def test_docs_rules_md_is_current(db):
    expected = rules_markdown()
    current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
    assert current == expected, "docs/rules.md is stale: run `.venv/bin/python manage.py rules_docs`"


def test_docs_list_every_rule_and_the_overrides(db):
    from beian.rules.engine import rules_catalogue

    text = rules_markdown()
    assert all(f"`{r.code}`" in text for r in rules_catalogue())
    assert "**national**" in text and "(370000)" in text
