"""Seed 000's organization resources under /api/v1 (snake_case on the wire already, so
keyword arguments are sent as they are): the call log, tasks, patients, users, the audit log,
webhook subscriptions and API keys. Paths are ``/organizations/{org}/...``: the organization
is ``organization_id`` given to the client, else learnt from the signed-in user.
"""
from typing import Any, Callable, Dict, Iterator, Mapping, Optional

from ._models import Page, Record, paginate
from ._resources import _quote
from ._transport import Transport
from .webhooks import verify_webhook

API_V1 = "/api/v1"


def _merge(data: Optional[Mapping[str, Any]], fields: Mapping[str, Any]) -> Dict[str, Any]:
    merged = dict(data or {})
    merged.update(fields)
    return merged


class _OrgResource:
    def __init__(self, http: Transport, org_path: Callable[[str], str], name: str) -> None:
        self._http = http
        self._org_path = org_path
        self._name = name

    def _path(self, id: Optional[str] = None, rest: str = "") -> str:
        tail = "/" + self._name + ("/" + _quote(id) if id is not None else "") + rest
        return self._org_path(tail)

    def _page(self, query: Mapping[str, Any]) -> Page:
        return Page(self._http.request("GET", self._path(), query=query))

    def list(self, **query: Any) -> Page:
        """One page (``page``, ``limit``, ``cursor``, ``include_total`` and the filters)."""
        return self._page(query)

    def iterate(self, **query: Any) -> Iterator[Record]:
        return paginate(self._page, query)


class _Readable(_OrgResource):
    def get(self, id: str, /) -> Record:
        return Record(self._http.request("GET", self._path(id)))


class _Writable(_Readable):
    def create(self, data: Optional[Mapping[str, Any]] = None, /, **fields: Any) -> Record:
        return Record(self._http.request("POST", self._path(), body=_merge(data, fields)))

    def update(self, id: str, data: Optional[Mapping[str, Any]] = None, /, **fields: Any) -> Record:
        return Record(self._http.request("PATCH", self._path(id), body=_merge(data, fields)))


class CallLog(_Writable):
    """Seed 000's calls (``patient_id``, ``direction``, ``phone_number``; ``status``, ``notes``,
    ``outcome``). Without ``from``/``to``/``date``, ``list`` answers today's calls."""


class Tasks(_Writable):
    def mine(self, **query: Any) -> Page:
        """The signed-in user's tasks (``/users/me/tasks``; needs a user, not an API key)."""
        return Page(self._http.request("GET", API_V1 + "/users/me/tasks", query=query))

    def iterate_mine(self, **query: Any) -> Iterator[Record]:
        return paginate(lambda q: self.mine(**q), query)

    def cancel(self, id: str, /) -> Record:
        """DELETE: cancels the task and answers it (idempotent)."""
        return Record(self._http.request("DELETE", self._path(id)))


class Patients(_Writable):
    """``list(q=...)``: a name prefix or a phone number in any format; ``phone=``: exact lookup."""


class Users(_OrgResource):
    def me(self) -> Record:
        """The signed-in user (an API key has none: PermissionDeniedError)."""
        return Record(self._http.request("GET", API_V1 + "/users/me"))


class Audit(_OrgResource):
    """The append-only audit log (admin): filters ``entity``, ``entity_id``, ``actor_id``,
    ``action``, ``from_``/``from``, ``to``."""

    def list(self, **query: Any) -> Page:
        return self._page(_from_alias(query))

    def iterate(self, **query: Any) -> Iterator[Record]:
        return paginate(self._page, _from_alias(query))


def _from_alias(query: Mapping[str, Any]) -> Dict[str, Any]:
    """``from`` is a Python keyword: ``from_=`` stands for it."""
    out = dict(query)
    if "from_" in out:
        out["from"] = out.pop("from_")
    return out


class Webhooks(_OrgResource):
    """Subscriptions (admin). The signing ``secret`` is in ``create``'s answer only."""

    #: ``client.webhooks.verify(secret, headers, body)``: see writecarenotes.oncall.verify_webhook
    verify = staticmethod(verify_webhook)

    def create(self, data: Optional[Mapping[str, Any]] = None, /, **fields: Any) -> Record:
        return Record(self._http.request("POST", self._path(), body=_merge(data, fields)))

    def delete(self, id: str, /) -> Record:
        return Record(self._http.request("DELETE", self._path(id)))

    def deliveries(self, id: str, /, **query: Any) -> Page:
        return Page(self._http.request("GET", self._path(id, "/deliveries"), query=query))


class ApiKeys(_OrgResource):
    """API keys (admin). The key itself is in ``create``'s answer only."""

    def create(self, data: Optional[Mapping[str, Any]] = None, /, **fields: Any) -> Record:
        return Record(self._http.request("POST", self._path(), body=_merge(data, fields)))

    def revoke(self, id: str, /) -> Record:
        return Record(self._http.request("DELETE", self._path(id)))
