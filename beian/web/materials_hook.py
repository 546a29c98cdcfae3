"""The "required materials" panel of the portal and the consoles, on the materials app (design.md §8).

:func:`required_materials` answers ``{"available": bool, "items": [...], "files": [...]}``: each item is a
requirement of the order (``requirement_status``) with its current material; ``files`` are the order's current
uploads with a short-lived signed link and the machine-check results. If the materials app is missing (it was
built in parallel) the panel falls back to the ``needs_material`` findings and says uploads are unavailable.
"""

from __future__ import annotations

import importlib
import logging

log = logging.getLogger(__name__)


def _module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def available() -> bool:
    return _module("beian.materials.selectors") is not None and _module("beian.materials.services") is not None


def required_materials(*, order, user, findings: list | None = None) -> dict:
    """``findings``: the order's findings the page already has (its rule-derived requirements come from their
    ``needs_material`` items); ``None`` runs the pre-flight rules for them."""
    selectors = _module("beian.materials.selectors")
    services = _module("beian.materials.services")
    if selectors is not None and services is not None:
        try:
            items = selectors.requirement_status(order=order, findings=findings)
            files = []
            for m in selectors.materials_of_order(order=order, current_only=True):
                url, _expires = services.material_link(user=user, material_id=m.pk)
                files.append({"material": m, "url": url, "is_image": m.content_type.startswith("image/")
                              or bool(m.display_name), "findings": m.check_findings or []})
            by_key = {(f["material"].code, f["material"].website_key): f for f in files}
            for item in items:
                item["file"] = by_key.get((item["code"], item["website_key"]))
            return {"available": True, "items": items, "files": files}
        except Exception:  # noqa: BLE001 — a half-built module must never break the order page
            log.exception("materials panel failed for order %s", order.pk)
    items = []
    seen = set()
    for finding in order.findings or []:
        if finding.get("severity") == "needs_material" and finding.get("requirement") not in seen:
            seen.add(finding.get("requirement"))
            items.append({"code": finding.get("requirement"), "website_key": "",
                          "name_zh": finding.get("message_zh"), "name_en": finding.get("message_en"), "met": False})
    return {"available": False, "items": items, "files": []}


def agreement_to_sign(*, order, code: str) -> dict | None:
    """The agreement text exactly as it will be signed for ``order`` and its SHA-256 (shown, then confirmed)."""
    import hashlib

    services = _module("beian.materials.services")
    if services is None:
        return None
    agreement = services.agreement_current(code=code)
    signer = (order.proposed.get("entity") or {}).get("name") or order.applicant.get_username()
    text = services.agreement_full_text(agreement=agreement, order=order, signer_name=signer)
    return {"code": code, "version": agreement.version, "title": agreement.title, "text": text,
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
