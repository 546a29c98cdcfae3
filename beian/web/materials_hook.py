"""HOOK for the materials app (design.md §8), which is being built in parallel.

The portal and the consoles show a "required materials" panel. Until ``beian.materials.selectors`` exists the
panel lists only the ``needs_material`` findings of the rules (their requirement codes) and says uploads are not
available yet. When the materials app lands, :func:`required_materials` calls its selector; the templates
(`web/_materials.html`) render ``{"available": bool, "items": [...]}`` where an item is a dict with at least
``code``, ``title`` and optionally ``uploaded`` (list of files with ``name``, ``url``, ``checks``).
"""

from __future__ import annotations

import importlib


def _selectors():
    try:
        return importlib.import_module("beian.materials.selectors")
    except ImportError:
        return None


def required_materials(*, order, user) -> dict:
    module = _selectors()
    func = getattr(module, "order_required_materials", None) if module else None
    if func is not None:  # the materials app's selector (name agreed in docs/web.md)
        try:
            return {"available": True, "items": list(func(order=order, user=user))}
        except Exception:  # noqa: BLE001 — a half-built module must never break the order page
            pass
    items = []
    seen = set()
    for finding in order.findings or []:
        if finding.get("severity") == "needs_material" and finding.get("requirement") not in seen:
            seen.add(finding.get("requirement"))
            items.append({"code": finding.get("requirement"), "field": finding.get("field"),
                          "title_zh": finding.get("message_zh"), "title_en": finding.get("message_en")})
    return {"available": False, "items": items}
