"""Seed 000's organization resources under /api/v1 (snake_case on the wire already, so names
are sent as they are): the call log, tasks, patients, users, the audit log, webhook
subscriptions and API keys. Paths are ``/organizations/{org}/...``: the organization is
``organization_id`` given to the client, else learnt from the credential (GET /auth/whoami).

Bodies take explicit keyword arguments, like seed 003's resources (a misspelt field is a
TypeError, not a field the API drops); list filters are passed through, and the API refuses an
unknown one with 400.
"""
import datetime
from typing import Any, Callable, Dict, Iterator, List, Literal, Mapping, Optional, Union

from ._models import Page, Record, paginate
from ._resources import NOT_GIVEN, Json, Priority, Region, When, _given, _quote
from .webhooks import verify_webhook

API_V1 = "/api/v1"
TaskStatus = Literal["open", "in_progress", "completed", "cancelled"]
Role = Literal["agent", "supervisor", "admin"]
Day = Union[str, datetime.date]


class _OrgResource:
    def __init__(self, http: Any, org_path: Callable[[str], str], name: str) -> None:
        self._http = http
        self._org_path = org_path
        self._name = name

    def _path(self, id: Optional[str] = None, rest: str = "") -> str:
        return self._org_path("/" + self._name + ("/" + _quote(id) if id is not None else "") + rest)

    def _page(self, query: Mapping[str, Any]) -> Page:
        return Page(self._http.request("GET", self._path(), query=query))

    def _send(self, method: str, path: str, data: Optional[Mapping[str, Any]] = None, fields: Optional[Mapping[str, Any]] = None) -> Record:
        body: Optional[Dict[str, Any]] = None
        if data is not None or fields is not None:
            body = dict(data or {})
            body.update(fields or {})
        return Record(self._http.request(method, path, body=body))

    def list(self, **query: Any) -> Page:
        """One page (``page``, ``limit``, ``cursor``, ``include_total`` and the filters)."""
        return self._page(query)

    def iterate(self, **query: Any) -> Iterator[Record]:
        return paginate(self._page, query)


class _Readable(_OrgResource):
    def get(self, id: str, /) -> Record:
        return self._send("GET", self._path(id))


class CallLog(_Readable):
    """Seed 000's calls. ``list`` filters: ``status``, ``agent_id``, ``patient_id``, ``outcome``,
    ``direction``, ``date``, ``from_``/``to``; without a date or range, today's calls."""

    def list(self, **query: Any) -> Page:
        return self._page(_from_alias(query))

    def iterate(self, **query: Any) -> Iterator[Record]:
        return paginate(self._page, _from_alias(query))

    def create(
        self,
        data: Optional[Json] = None,
        /,
        *,
        direction: Literal["inbound", "outbound"] = NOT_GIVEN,
        phone_number: str = NOT_GIVEN,
        patient_id: Optional[str] = NOT_GIVEN,
        status: Literal["pending", "ringing", "active"] = NOT_GIVEN,
        priority: Priority = NOT_GIVEN,
        region: Optional[Region] = NOT_GIVEN,
        notes: str = NOT_GIVEN,
        metadata: Json = NOT_GIVEN,
    ) -> Record:
        return self._send("POST", self._path(), data, _given(locals()))

    def update(
        self,
        id: str,
        data: Optional[Json] = None,
        /,
        *,
        status: str = NOT_GIVEN,
        notes: str = NOT_GIVEN,
        outcome: Optional[str] = NOT_GIVEN,
        patient_id: Optional[str] = NOT_GIVEN,
        priority: Priority = NOT_GIVEN,
        metadata: Json = NOT_GIVEN,
    ) -> Record:
        """Status moves follow the workflow (docs/call-status.md); ``completed`` sets ``ended_at``."""
        return self._send("PATCH", self._path(id), data, _given(locals()))


class Tasks(_Readable):
    """``list`` filters: ``assignee_id``, ``status``, ``priority`` (and the paging ones)."""

    def create(
        self,
        data: Optional[Json] = None,
        /,
        *,
        title: str = NOT_GIVEN,
        description: str = NOT_GIVEN,
        assignee_id: Optional[str] = NOT_GIVEN,
        priority: Priority = NOT_GIVEN,
        due_date: Optional[When] = NOT_GIVEN,
        call_id: Optional[str] = NOT_GIVEN,
        patient_id: Optional[str] = NOT_GIVEN,
    ) -> Record:
        return self._send("POST", self._path(), data, _given(locals()))

    def update(
        self,
        id: str,
        data: Optional[Json] = None,
        /,
        *,
        status: TaskStatus = NOT_GIVEN,
        priority: Priority = NOT_GIVEN,
        due_date: Optional[When] = NOT_GIVEN,
        assignee_id: Optional[str] = NOT_GIVEN,
        title: str = NOT_GIVEN,
        description: str = NOT_GIVEN,
    ) -> Record:
        """Change status or priority, or reassign (``assignee_id``; None unassigns)."""
        return self._send("PATCH", self._path(id), data, _given(locals()))

    def cancel(self, id: str, /) -> Record:
        """DELETE: cancels the task and answers it (idempotent)."""
        return self._send("DELETE", self._path(id))

    def mine(self, **query: Any) -> Page:
        """The signed-in user's tasks (``/users/me/tasks``; needs a user, not an API key)."""
        return Page(self._http.request("GET", API_V1 + "/users/me/tasks", query=query))

    def iterate_mine(self, **query: Any) -> Iterator[Record]:
        return paginate(lambda q: self.mine(**q), query)


class Patients(_Readable):
    """``list(q=...)``: a name prefix or a phone number in any format; ``phone=``: exact lookup."""

    def create(
        self,
        data: Optional[Json] = None,
        /,
        *,
        first_name: str = NOT_GIVEN,
        last_name: str = NOT_GIVEN,
        phone_number: str = NOT_GIVEN,
        alt_phone_number: Optional[str] = NOT_GIVEN,
        email: Optional[str] = NOT_GIVEN,
        date_of_birth: Optional[Day] = NOT_GIVEN,
        mrn: Optional[str] = NOT_GIVEN,
        notes: str = NOT_GIVEN,
    ) -> Record:
        return self._send("POST", self._path(), data, _given(locals()))

    def update(
        self,
        id: str,
        data: Optional[Json] = None,
        /,
        *,
        first_name: str = NOT_GIVEN,
        last_name: str = NOT_GIVEN,
        phone_number: str = NOT_GIVEN,
        alt_phone_number: Optional[str] = NOT_GIVEN,
        email: Optional[str] = NOT_GIVEN,
        date_of_birth: Optional[Day] = NOT_GIVEN,
        mrn: Optional[str] = NOT_GIVEN,
        notes: str = NOT_GIVEN,
    ) -> Record:
        return self._send("PATCH", self._path(id), data, _given(locals()))


class Users(_OrgResource):
    """``list(role=...)``; ``me()``."""

    def me(self) -> Record:
        """The signed-in user (an API key has none: PermissionDeniedError)."""
        return Record(self._http.request("GET", API_V1 + "/users/me"))


class Audit(_OrgResource):
    """The append-only audit log (admin): filters ``entity``, ``entity_id``, ``actor_id``,
    ``action``, ``from_`` (for ``from``), ``to``."""

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
    """Subscriptions (a signed-in admin). The signing ``secret`` is in ``create``'s answer only."""

    #: ``client.webhooks.verify(secret, headers, body)``: see writecarenotes.oncall.verify_webhook
    verify = staticmethod(verify_webhook)

    def create(self, data: Optional[Json] = None, /, *, url: str = NOT_GIVEN, events: List[str] = NOT_GIVEN, description: str = NOT_GIVEN) -> Record:
        """``events``: any of seed 003's eight (``call.created``, ``compliance.violated``, ...)."""
        return self._send("POST", self._path(), data, _given(locals()))

    def delete(self, id: str, /) -> Record:
        return self._send("DELETE", self._path(id))

    def enable(self, id: str, /) -> Record:
        """Re-enables an endpoint the API disabled after it kept failing (a signed-in admin)."""
        return self._send("POST", self._path(id, "/enable"))

    def deliveries(self, id: str, /, **query: Any) -> Page:
        """A webhook's delivery log, newest first (filter ``status``)."""
        return Page(self._http.request("GET", self._path(id, "/deliveries"), query=query))


class ApiKeys(_OrgResource):
    """API keys (admin). The key itself is in ``create``'s answer only."""

    def create(self, data: Optional[Json] = None, /, *, name: str = NOT_GIVEN, role: Role = NOT_GIVEN, expires_at: When = NOT_GIVEN) -> Record:
        return self._send("POST", self._path(), data, _given(locals()))

    def revoke(self, id: str, /) -> Record:
        """It answers 401 from then on."""
        return self._send("DELETE", self._path(id))
