"""Seed 003's four resources under /v1/oncall, called the way the seed's Python example does:
``client.recordings.create(call_id=..., url=..., duration=...)``,
``client.compliance.list(region=..., regulatory_body='CQC', status=...)``.

Every field and filter is an explicit snake_case keyword (so a misspelt one is a TypeError here,
not a field the API drops), sent under the API's camelCase name. Fields this SDK does not know
yet can go in a dict passed first (``create({'newField': 1}, call_id=...)``), sent as given.
The organization is the credential's own, so an API key alone is enough.
"""
import datetime
import urllib.parse
from typing import Any, Dict, Iterator, Literal, Mapping, Optional, Union

from ._models import Page, Record, camel_keys, paginate

ONCALL_V1 = "/v1/oncall"

Region = Literal["england", "scotland", "wales", "northern_ireland"]
Priority = Literal["low", "normal", "high", "urgent"]
CallStatus = Literal["pending", "ringing", "active", "on_hold", "wrap_up", "completed", "missed", "cancelled", "failed"]
ScheduleType = Literal["regular", "on_call", "overtime", "cover", "training"]
ScheduleStatus = Literal["scheduled", "active", "completed", "cancelled"]
RecordingStatus = Literal["pending", "processing", "completed", "failed"]
ComplianceStatus = Literal["pending", "under_review", "compliant", "non_compliant"]
When = Union[str, datetime.datetime]
Json = Dict[str, Any]


class _NotGiven:
    """Marks an argument left out (not sent), apart from None (sent as null)."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN: Any = _NotGiven()


def _given(arguments: Mapping[str, Any]) -> Dict[str, Any]:
    """The keyword arguments actually passed (from ``locals()``), without self and data."""
    return {k: v for k, v in arguments.items() if k not in ("self", "data", "id") and v is not NOT_GIVEN}


def _quote(id: str) -> str:
    return urllib.parse.quote(str(id), safe="")


class OnCallResource:
    """``create``, ``update``, ``get``, ``list`` (one page) and ``iterate`` (every item)."""

    def __init__(self, http: Any, name: str) -> None:
        self._http = http
        self._base = "%s/%s" % (ONCALL_V1, name)

    def _create(self, data: Optional[Mapping[str, Any]], fields: Mapping[str, Any]) -> Record:
        body = dict(data or {})
        body.update(camel_keys(fields))
        return Record(self._http.request("POST", self._base, body=body))

    def _update(self, id: str, data: Optional[Mapping[str, Any]], fields: Mapping[str, Any]) -> Record:
        body = dict(data or {})
        body.update(camel_keys(fields))
        return Record(self._http.request("PATCH", "%s/%s" % (self._base, _quote(id)), body=body))

    def get(self, id: str, /) -> Record:
        return Record(self._http.request("GET", "%s/%s" % (self._base, _quote(id))))

    def _page(self, query: Mapping[str, Any]) -> Page:
        return Page(self._http.request("GET", self._base, query=query))

    def _list(self, filters: Mapping[str, Any]) -> Page:
        """An unknown filter raises BadRequestError: the API refuses it rather than silently
        widening the result."""
        return self._page(camel_keys(filters))

    def _iterate(self, filters: Mapping[str, Any]) -> Iterator[Record]:
        return paginate(self._page, camel_keys(filters))


class Calls(OnCallResource):
    def create(
        self,
        data: Optional[Json] = None,
        /,
        *,
        phone_number: str = NOT_GIVEN,
        region: Region = NOT_GIVEN,
        priority: Priority = NOT_GIVEN,
        direction: Literal["inbound", "outbound"] = NOT_GIVEN,
        status: Literal["pending", "ringing", "active"] = NOT_GIVEN,
        patient_id: Optional[str] = NOT_GIVEN,
        metadata: Json = NOT_GIVEN,
    ) -> Record:
        return self._create(data, _given(locals()))

    def update(
        self,
        id: str,
        data: Optional[Json] = None,
        /,
        *,
        status: CallStatus = NOT_GIVEN,
        priority: Priority = NOT_GIVEN,
        region: Region = NOT_GIVEN,
        notes: str = NOT_GIVEN,
        outcome: Optional[str] = NOT_GIVEN,
        metadata: Json = NOT_GIVEN,
    ) -> Record:
        """PATCH: only what is given changes; ``metadata`` merges key by key."""
        return self._update(id, data, _given(locals()))

    def list(
        self,
        *,
        region: Region = NOT_GIVEN,
        status: CallStatus = NOT_GIVEN,
        start_date: When = NOT_GIVEN,
        end_date: When = NOT_GIVEN,
        page: int = NOT_GIVEN,
        limit: int = NOT_GIVEN,
        cursor: str = NOT_GIVEN,
        include_total: bool = NOT_GIVEN,
    ) -> Page:
        return self._list(_given(locals()))

    def iterate(
        self,
        *,
        region: Region = NOT_GIVEN,
        status: CallStatus = NOT_GIVEN,
        start_date: When = NOT_GIVEN,
        end_date: When = NOT_GIVEN,
        limit: int = NOT_GIVEN,
    ) -> Iterator[Record]:
        return self._iterate(_given(locals()))


class Schedules(OnCallResource):
    def create(
        self,
        data: Optional[Json] = None,
        /,
        *,
        staff_id: str = NOT_GIVEN,
        type: ScheduleType = NOT_GIVEN,
        start_time: When = NOT_GIVEN,
        end_time: When = NOT_GIVEN,
        status: ScheduleStatus = NOT_GIVEN,
        metadata: Json = NOT_GIVEN,
    ) -> Record:
        return self._create(data, _given(locals()))

    def update(
        self,
        id: str,
        data: Optional[Json] = None,
        /,
        *,
        staff_id: str = NOT_GIVEN,
        type: ScheduleType = NOT_GIVEN,
        start_time: When = NOT_GIVEN,
        end_time: When = NOT_GIVEN,
        status: ScheduleStatus = NOT_GIVEN,
        metadata: Json = NOT_GIVEN,
    ) -> Record:
        """PATCH: only what is given changes; ``metadata`` merges key by key."""
        return self._update(id, data, _given(locals()))

    def list(
        self,
        *,
        staff_id: str = NOT_GIVEN,
        status: ScheduleStatus = NOT_GIVEN,
        start_date: When = NOT_GIVEN,
        end_date: When = NOT_GIVEN,
        page: int = NOT_GIVEN,
        limit: int = NOT_GIVEN,
        cursor: str = NOT_GIVEN,
        include_total: bool = NOT_GIVEN,
    ) -> Page:
        return self._list(_given(locals()))

    def iterate(
        self,
        *,
        staff_id: str = NOT_GIVEN,
        status: ScheduleStatus = NOT_GIVEN,
        start_date: When = NOT_GIVEN,
        end_date: When = NOT_GIVEN,
        limit: int = NOT_GIVEN,
    ) -> Iterator[Record]:
        return self._iterate(_given(locals()))


class Recordings(OnCallResource):
    def create(
        self,
        data: Optional[Json] = None,
        /,
        *,
        call_id: str = NOT_GIVEN,
        url: str = NOT_GIVEN,
        duration: int = NOT_GIVEN,
        status: RecordingStatus = NOT_GIVEN,
        metadata: Json = NOT_GIVEN,
    ) -> Record:
        return self._create(data, _given(locals()))

    def update(
        self,
        id: str,
        data: Optional[Json] = None,
        /,
        *,
        url: str = NOT_GIVEN,
        duration: int = NOT_GIVEN,
        status: RecordingStatus = NOT_GIVEN,
        metadata: Json = NOT_GIVEN,
    ) -> Record:
        """PATCH: only what is given changes; ``metadata`` merges key by key."""
        return self._update(id, data, _given(locals()))

    def list(
        self,
        *,
        call_id: str = NOT_GIVEN,
        status: RecordingStatus = NOT_GIVEN,
        min_duration: int = NOT_GIVEN,
        max_duration: int = NOT_GIVEN,
        page: int = NOT_GIVEN,
        limit: int = NOT_GIVEN,
        cursor: str = NOT_GIVEN,
        include_total: bool = NOT_GIVEN,
    ) -> Page:
        return self._list(_given(locals()))

    def iterate(
        self,
        *,
        call_id: str = NOT_GIVEN,
        status: RecordingStatus = NOT_GIVEN,
        min_duration: int = NOT_GIVEN,
        max_duration: int = NOT_GIVEN,
        limit: int = NOT_GIVEN,
    ) -> Iterator[Record]:
        return self._iterate(_given(locals()))


class ComplianceRecords(OnCallResource):
    def create(
        self,
        data: Optional[Json] = None,
        /,
        *,
        call_id: str = NOT_GIVEN,
        region: Region = NOT_GIVEN,
        regulatory_body: str = NOT_GIVEN,
        check_type: str = NOT_GIVEN,
        status: ComplianceStatus = NOT_GIVEN,
        details: Json = NOT_GIVEN,
        metadata: Json = NOT_GIVEN,
    ) -> Record:
        return self._create(data, _given(locals()))

    def update(
        self,
        id: str,
        data: Optional[Json] = None,
        /,
        *,
        region: Region = NOT_GIVEN,
        regulatory_body: str = NOT_GIVEN,
        check_type: str = NOT_GIVEN,
        status: ComplianceStatus = NOT_GIVEN,
        details: Json = NOT_GIVEN,
        metadata: Json = NOT_GIVEN,
    ) -> Record:
        """PATCH: only what is given changes; ``details`` and ``metadata`` merge key by key."""
        return self._update(id, data, _given(locals()))

    def list(
        self,
        *,
        region: Region = NOT_GIVEN,
        regulatory_body: str = NOT_GIVEN,
        status: ComplianceStatus = NOT_GIVEN,
        check_type: str = NOT_GIVEN,
        page: int = NOT_GIVEN,
        limit: int = NOT_GIVEN,
        cursor: str = NOT_GIVEN,
        include_total: bool = NOT_GIVEN,
    ) -> Page:
        return self._list(_given(locals()))

    def iterate(
        self,
        *,
        region: Region = NOT_GIVEN,
        regulatory_body: str = NOT_GIVEN,
        status: ComplianceStatus = NOT_GIVEN,
        check_type: str = NOT_GIVEN,
        limit: int = NOT_GIVEN,
    ) -> Iterator[Record]:
        return self._iterate(_given(locals()))
