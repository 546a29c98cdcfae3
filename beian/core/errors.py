"""The one error shape of every API error (design.md §5.2).

``{"errors": [{"code", "field", "message_zh", "message_en"}]}`` with a 4xx status. Services raise
:class:`BeianError`; the API root turns it (and Django's and ninja's own errors) into that shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ErrorItem:
    code: str
    message_zh: str
    message_en: str
    field: str | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "field": self.field, "message_zh": self.message_zh, "message_en": self.message_en}


@dataclass
class BeianError(Exception):
    """A refusal a user can cause; ``status`` is the HTTP status the API answers with."""

    errors: list[ErrorItem] = field(default_factory=list)
    status: int = 400

    def __str__(self) -> str:  # never include values: messages may be logged
        return ", ".join(e.code for e in self.errors)

    def as_dict(self) -> dict:
        return {"errors": [e.as_dict() for e in self.errors]}


def error(code: str, message_zh: str, message_en: str, *, field: str | None = None, status: int = 400) -> BeianError:
    return BeianError(errors=[ErrorItem(code=code, field=field, message_zh=message_zh, message_en=message_en)],
                      status=status)


def not_found(what_zh: str = "对象", what_en: str = "object") -> BeianError:
    return error("NOT_FOUND", f"{what_zh}不存在或无权查看。", f"The {what_en} does not exist or is not visible to you.",
                 status=404)


def forbidden() -> BeianError:
    return error("FORBIDDEN", "您无权执行此操作。", "You are not allowed to do this.", status=403)


def unauthenticated() -> BeianError:
    return error("UNAUTHENTICATED", "请先登录。", "Please sign in first.", status=401)


def conflict(code: str, message_zh: str, message_en: str, *, field: str | None = None) -> BeianError:
    return error(code, message_zh, message_en, field=field, status=409)


@dataclass(frozen=True)
class Finding:
    """A rule finding: the error item plus severity, value, hints and source (design.md §5.2)."""

    code: str
    severity: str  # "error" | "warning" | "needs_material"
    message_zh: str
    message_en: str
    field: str | None = None
    value: str | None = None
    hint_zh: str = ""
    hint_en: str = ""
    source: str = ""
    requirement: str | None = None

    def as_dict(self) -> dict:
        # Every field is a string or None: a plain copy equals ``asdict`` without its recursive deep copy.
        return dict(vars(self))

    def as_error(self) -> ErrorItem:
        return ErrorItem(code=self.code, field=self.field, message_zh=self.message_zh, message_en=self.message_en)


SEVERITIES = ("error", "warning", "needs_material")
