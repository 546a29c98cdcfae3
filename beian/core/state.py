"""``FilingState`` — the order's data shape, the contract every part shares (design.md §5.1).

The same JSON sits in ``Order.proposed`` and in every registry version. Fields marked read-only are set by
the registry and the bureau stage; :func:`strip_read_only` drops what an applicant sends for them.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

READ_ONLY_ENTITY = ("number", "status")
READ_ONLY_WEBSITE = ("number", "status", "access_limited")


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PrincipalState(_Base):
    """A person responsible for the entity or a website (主体负责人 / 网站负责人)."""

    name: str = ""
    certificate_type: str = ""
    certificate_number: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None  # None = long-term (长期)
    mobile: str = ""
    emergency_phone: str = ""
    email: str = ""


class IpRange(_Base):
    start: str
    end: str


class PreApprovalState(_Base):
    type: str
    number: str = ""


class AccessState(_Base):
    key: str
    id: int | None = None
    provider: str = ""
    method: str = ""
    region: str = ""
    ip_ranges: list[IpRange] = Field(default_factory=list)


class WebsiteState(_Base):
    key: str
    id: int | None = None
    name: str = ""
    home_url: str = ""
    service_content: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    remarks: str = ""
    domains: list[str] = Field(default_factory=list)
    principal: PrincipalState = Field(default_factory=PrincipalState)
    pre_approvals: list[PreApprovalState] = Field(default_factory=list)
    access: list[AccessState] = Field(default_factory=list)
    number: str | None = None
    status: str | None = None
    access_limited: bool | None = None

    @field_validator("access")
    @classmethod
    def _unique_access_keys(cls, value: list[AccessState]) -> list[AccessState]:
        keys = [a.key for a in value]
        if len(keys) != len(set(keys)):
            raise ValueError("access keys must be unique within a website")
        return value


class EntityState(_Base):
    type: str = ""
    name: str = ""
    certificate_type: str = ""
    certificate_number: str = ""
    province: str = ""  # 6-digit division code of the filing province, e.g. "330000"
    city: str = ""
    district: str = ""
    certificate_address: str = ""
    communication_address: str = ""
    superior_unit: str = ""
    remarks: str = ""
    principal: PrincipalState = Field(default_factory=PrincipalState)
    number: str | None = None
    status: str | None = None


class FilingState(_Base):
    """The whole filing of one entity: the entity and its websites with their access records."""

    entity: EntityState = Field(default_factory=EntityState)
    websites: list[WebsiteState] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_website_keys(self) -> FilingState:
        keys = [w.key for w in self.websites]
        if len(keys) != len(set(keys)):
            raise ValueError("website keys must be unique")
        return self

    def website(self, key: str) -> WebsiteState | None:
        return next((w for w in self.websites if w.key == key), None)

    def to_json(self) -> dict:
        return self.model_dump(mode="json")


def strip_read_only(proposed: FilingState, current: FilingState | None) -> FilingState:
    """Copy the read-only fields from ``current`` over whatever the applicant sent."""
    data = proposed.model_copy(deep=True)
    for name in READ_ONLY_ENTITY:
        setattr(data.entity, name, getattr(current.entity, name) if current else None)
    for website in data.websites:
        before = current.website(website.key) if current else None
        for name in READ_ONLY_WEBSITE:
            setattr(website, name, getattr(before, name) if before else None)
    return data


def field_path_of(loc, data=None) -> str | None:
    """A validation error location as a field path (design.md §5.1): ``("websites", 0, "principal", "mobile")`` →
    ``websites[<key>].principal.mobile`` where the sent item has a key, else its index, e.g. ``websites[0]``."""
    path, node = "", data
    for part in loc:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            index = int(part)
            item = node[index] if isinstance(node, list) and 0 <= index < len(node) else None
            key = item.get("key") if isinstance(item, dict) else None
            path += f"[{key if isinstance(key, str) and key else index}]"
            node = item
        else:
            path += ("." if path else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return path or None
