"""Every string of the web pages has an English translation in the compiled catalogue (``make test`` fails on a
template string without one): the templates' ``{% translate %}`` / ``{% blocktranslate %}`` strings and the
``gettext`` strings of ``beian/web/*.py`` are extracted the way ``makemessages`` does and looked up in
``beian/web/locale/en/LC_MESSAGES/django.mo`` — the file Django reads at run time."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

from django.utils.translation.template import templatize

WEB = Path(__file__).resolve().parents[2] / "beian" / "web"
MO = WEB / "locale" / "en" / "LC_MESSAGES" / "django.mo"
HAN = re.compile(r"[\u4e00-\u9fff]")


def _calls(source: str) -> list[str]:
    """Literal first arguments of gettext-style calls in Python source (templatize output included)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {
                "_", "gettext", "gettext_lazy", "ngettext", "pgettext", "npgettext"}:
            args = node.args[1:] if node.func.id.startswith(("pgettext", "npgettext")) else node.args
            if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                out.append(args[0].value)
    return out


TEMPLATE_CALL = re.compile(r"""\b(?:n?gettext|pgettext|npgettext)\(\s*u?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")


def _template_calls(source: str) -> list[str]:
    """``templatize`` turns a template into gettext calls for xgettext (not valid Python as a whole)."""
    return [ast.literal_eval(m.group(1)) for m in TEMPLATE_CALL.finditer(source)]


def web_strings() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((WEB / "templates").rglob("*.html")) + sorted((WEB / "templates").rglob("*.txt")):
        for msgid in _template_calls(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
            found.setdefault(msgid, str(path.relative_to(WEB)))
    for path in sorted(WEB.rglob("*.py")):
        for msgid in _calls(path.read_text(encoding="utf-8")):
            found.setdefault(msgid, str(path.relative_to(WEB)))
    return {k: v for k, v in found.items() if HAN.search(k)}


def test_every_web_string_has_an_english_translation():
    catalogue = gettext.GNUTranslations(MO.open("rb"))
    strings = web_strings()
    assert len(strings) > 200  # the extraction works (a broken one would pass vacuously)
    missing = {k: where for k, where in strings.items() if catalogue.gettext(k) == k}
    assert not missing, ("untranslated (add to beian/web/locale/en/LC_MESSAGES/django.po, run msgfmt): "
                         f"{missing}")
    chinese_left = {k: catalogue.gettext(k) for k in strings if HAN.search(catalogue.gettext(k))}
    assert not chinese_left, chinese_left
