"""The gettext catalogues of the project and a small .po reader (no gettext tools needed to run the checks)."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "var", "node_modules", ".git"}


def catalogue_paths() -> list[Path]:
    """Every ``<...>/locale/<lang>/LC_MESSAGES/django.po`` of the project (the root catalogue and the apps')."""
    return sorted(p for p in ROOT.rglob("locale/*/LC_MESSAGES/django.po")
                  if not SKIP_DIRS.intersection(p.relative_to(ROOT).parts))


@dataclass
class Entry:
    msgid: str
    msgstr: str | list[str]
    msgctxt: str | None = None
    msgid_plural: str | None = None
    flags: set[str] = field(default_factory=set)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        values = self.msgstr if isinstance(self.msgstr, list) else [self.msgstr]
        return bool(values) and all(values) and not self.fuzzy


_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file (obsolete ``#~`` entries skipped), the header included (``msgid == ""``)."""
    entries: list[Entry] = []
    cur: dict = {}
    key: tuple[str, int | None] | None = None

    def flush():
        nonlocal cur, key
        if "msgid" in cur:
            entries.append(Entry(msgid=cur["msgid"], msgstr=cur.get("msgstr", ""), msgctxt=cur.get("msgctxt"),
                                 msgid_plural=cur.get("msgid_plural"), flags=cur.get("flags", set())))
        cur, key = {}, None

    for line in text.splitlines():
        if not line.strip():
            flush()
            continue
        if line.startswith("#"):
            if "msgid" in cur:
                flush()
            if line.startswith("#,"):
                cur.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
            continue
        match = _LINE.match(line)
        if match:
            name, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if index is not None:
                cur.setdefault("msgstr", [])
                cur["msgstr"].append(value)
                key = ("msgstr", int(index))
            else:
                cur[name] = value
                key = (name, None)
        elif line.startswith('"') and key is not None:
            value = ast.literal_eval(line)
            name, index = key
            if index is not None:
                cur["msgstr"][index] += value
            else:
                cur[name] += value
    flush()
    return entries


def po_catalogue(entries: list[Entry]) -> dict:
    """What msgfmt compiles: translated, non-fuzzy entries keyed like ``GNUTranslations._catalog``."""
    out: dict = {}
    for e in entries:
        if not e.msgid or not e.translated:
            continue
        msgid = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid
        if e.msgid_plural is not None:
            for i, value in enumerate(e.msgstr):
                out[(msgid, i)] = value
        else:
            out[msgid] = e.msgstr
    return out


def mo_catalogue(path: Path) -> dict:
    with path.open("rb") as fh:
        catalog = dict(gettext.GNUTranslations(fh)._catalog)
    catalog.pop("", None)  # the header
    return catalog
