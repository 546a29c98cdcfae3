"""Translations (issue 2 item 1): zh-hans by default, English switchable, every catalogue translated and compiled.

The compiled ``django.mo`` files are committed (a fresh machine may lack gettext); these checks need no gettext
tools. After adding or changing ``{% translate %}`` / ``gettext_lazy`` strings run ``make messages`` (docs/i18n.md).
"""

from __future__ import annotations

import pytest

from tests.i18n.catalogues import ROOT, catalogue_paths, mo_catalogue, parse_po, po_catalogue

CATALOGUES = catalogue_paths()


def _name(path) -> str:
    return str(path.relative_to(ROOT))


def test_the_english_catalogues_exist():
    names = {_name(p) for p in CATALOGUES}
    assert "locale/en/LC_MESSAGES/django.po" in names
    assert len(parse_po((ROOT / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8"))) > 300


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_name)
def test_every_string_is_translated(po_path):
    entries = parse_po(po_path.read_text(encoding="utf-8"))
    missing = [e.msgid for e in entries if e.msgid and not e.translated]
    assert not missing, (f"{_name(po_path)}: {len(missing)} string(s) untranslated or fuzzy, e.g. {missing[:5]} — "
                         "translate them and run `make messages`")


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_name)
def test_compiled_catalogue_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{_name(mo_path)} is missing: run `make messages` and commit it"
    expected = po_catalogue(parse_po(po_path.read_text(encoding="utf-8")))
    compiled = mo_catalogue(mo_path)
    stale = sorted(str(k) for k in expected.keys() ^ compiled.keys())
    stale += sorted(str(k) for k in expected.keys() & compiled.keys() if expected[k] != compiled[k])
    assert not stale, f"{_name(mo_path)} is out of date with its .po ({stale[:5]}…): run `make messages`"


def test_the_parser_reads_plurals_contexts_and_flags():
    text = ('msgid ""\nmsgstr ""\n"Language: en\\n"\n\n#, fuzzy\nmsgid "甲"\nmsgstr "A"\n\n'
            'msgctxt "月"\nmsgid "五"\nmsgstr "May"\n\nmsgid "%(n)s 条"\nmsgid_plural "%(n)s 条"\n'
            'msgstr[0] "%(n)s item"\nmsgstr[1] ""\n"%(n)s items"\n')
    entries = parse_po(text)
    assert [e.msgid for e in entries] == ["", "甲", "五", "%(n)s 条"]
    assert entries[1].fuzzy and not entries[1].translated
    assert po_catalogue(entries) == {"月\x04五": "May", ("%(n)s 条", 0): "%(n)s item", ("%(n)s 条", 1): "%(n)s items"}


@pytest.mark.django_db
def test_chinese_by_default_english_when_switched(client, operator):
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/admin/orders/order/").content.decode()
    assert "备案订单" in page and "业务类型" in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/orders/order/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    page = client.get("/admin/orders/order/").content.decode()
    # Admin labels from the models' verbose names and choices, through the root catalogue.
    assert "Filing orders" in page or "Filing order" in page
    assert "Order type" in page and "Filing province" in page
    assert "业务类型" not in page


@pytest.mark.django_db
def test_accept_language_english_on_a_page(client):
    zh = client.get("/lookup/").content.decode()
    en = client.get("/lookup/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ICP备案查询" in zh
    assert "ICP filing lookup" in en and "ICP备案查询" not in en
    # The web app's own catalogue too (base template).
    assert "Skip to content" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
