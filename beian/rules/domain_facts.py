"""Domain registration facts (validity, real-name status, holder) as a plug-in (design.md §7).

The default backend reads the ``DomainRegistration`` table, which the operator fills (admin or an import);
no check reaches the internet. A deployment that has a registrar or WHOIS feed sets
``BEIAN_DOMAIN_FACTS_BACKEND`` (a Django setting, dotted path of a class with a ``lookup`` method).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from beian.core.hotsql import Table, hot_fetch

DEFAULT_BACKEND = "beian.rules.domain_facts.LocalDomainFacts"


@dataclass(frozen=True)
class DomainFacts:
    domain: str  # ASCII registrable domain
    expires_on: dt.date | None
    real_name_verified: bool
    holder: str
    registrar: str = ""


class LocalDomainFacts:
    """Facts from the ``DomainRegistration`` table; a domain without a row is unknown (no finding)."""

    def lookup(self, domains: list[str]) -> dict[str, DomainFacts]:

        if not domains:
            return {}
        table = _registrations()
        rows = [table.instance(row) for row in hot_fetch(*self.reads(domains)[0])]
        return {r.domain: DomainFacts(domain=r.domain, expires_on=r.expires_on,
                                      real_name_verified=r.real_name_verified, holder=r.holder,
                                      registrar=r.registrar) for r in rows}

    def reads(self, domains: list[str]) -> list[tuple[str, list]]:
        """The statement ``lookup`` runs (prepared, core.hotsql: every submission asks); a rule run fetches it
        ahead with the other checks' reads."""
        from beian.rules.models import DomainRegistration

        if not domains:
            return []
        return [(f'SELECT {_registrations().select} FROM "{DomainRegistration._meta.db_table}" '
                 'WHERE "domain" = ANY(%s)', [list(domains)])]


@functools.cache
def _registrations() -> Table:
    from beian.rules.models import DomainRegistration

    return Table(DomainRegistration)


@functools.cache
def _backend(path: str):
    return import_string(path)()


def _current_backend():
    return _backend(getattr(settings, "BEIAN_DOMAIN_FACTS_BACKEND", DEFAULT_BACKEND))


def domain_facts(domains: list[str]) -> dict[str, DomainFacts]:
    """Facts of the given ASCII registrable domains that the backend knows."""
    return _current_backend().lookup(domains)


def domain_facts_reads(domains: list[str]) -> list[tuple[str, list]]:
    """The database reads ``domain_facts(domains)`` will make, for a backend that says (``reads``); else none."""
    reads = getattr(_current_backend(), "reads", None)
    return reads(domains) if reads is not None else []
