"""The public lookup page (zh/en) with the footer snippet generator; rate-limited like the API."""

from __future__ import annotations

from django.shortcuts import render

from beian.core.errors import BeianError
from beian.core.validators import parse_filing_number
from beian.lookup import selectors
from beian.lookup.ratelimit import RateLimited, rate_limit_request

KINDS = ("domain", "number", "name")


def _guess_kind(q: str) -> str:
    if "ICP" in q.upper() or "备" in q:
        return "number"
    if "." in q or "。" in q:
        return "domain"
    return "name"


def lookup_page(request):
    """GET ``?q=…&kind=domain|number|name`` (kind guessed when missing) → the public record(s)."""
    q = (request.GET.get("q") or "").strip()
    kind = request.GET.get("kind") or (_guess_kind(q) if q else "domain")
    kind = kind if kind in KINDS else "domain"
    context = {"q": q, "kind": kind, "answer": None, "errors": [], "snippet": None}
    status, retry_after = 200, None
    if q:
        try:
            request.auth = None
            rate_limit_request(request)
            if kind == "domain":
                context["answer"] = selectors.lookup_domain(host=q)
                record = context["answer"]["record"]
                if record and record["status"] == "filed" and record["website_number"]:
                    context["snippet"] = selectors.footer_snippet(record["website_number"])
            elif kind == "number":
                context["answer"] = selectors.lookup_number(number=q)
                parsed = parse_filing_number(q)
                if context["answer"]["status"] == "filed" and parsed.is_website:
                    context["snippet"] = selectors.footer_snippet(context["answer"]["number"])
            else:
                context["answer"] = selectors.lookup_name(q=q, mode=request.GET.get("mode") or "contains")
        except RateLimited as exc:
            context["errors"] = exc.errors
            status, retry_after = 429, exc.retry_after
        except BeianError as exc:
            context["errors"] = exc.errors
            status = exc.status
    response = render(request, "lookup/lookup.html", context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
