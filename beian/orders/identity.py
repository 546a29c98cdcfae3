"""Identity verification plug-in point (人脸/视频核验, icp-domain.md §3.1).

A backend verifies a website principal and returns a result with evidence; Beian stores an
``IdentityVerification`` row (who, when, result) that provider approval requires for every new website
principal. Only the console backend exists: it is for development and demos, it verifies nobody. No real
vendor is integrated — a provider plugs its vendor in through ``BEIAN_IDENTITY_BACKEND``.
"""

from __future__ import annotations

import logging
import os

from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class IdentityBackend:
    """Interface: ``verify`` returns ``(passed, evidence)``; evidence must not contain certificate numbers."""

    name = "abstract"

    def verify(self, *, order, website_key: str, principal) -> tuple[bool, dict]:  # pragma: no cover
        raise NotImplementedError


class ConsoleIdentityBackend(IdentityBackend):
    """Development backend: passes every principal and says so in the evidence and the log."""

    name = "console"

    def verify(self, *, order, website_key: str, principal) -> tuple[bool, dict]:
        log.info("console identity verification for order %s website %s: passed (development only)", order.pk,
                 website_key)
        return True, {"backend": "console", "note": "development backend: no real face/video verification"}


def identity_backend() -> IdentityBackend:
    path = os.environ.get("BEIAN_IDENTITY_BACKEND", "beian.orders.identity.ConsoleIdentityBackend")
    return import_string(path)()
