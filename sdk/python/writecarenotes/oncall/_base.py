"""What every resource stands on. The resources' signatures (the fields, filters and enums of each
operation) are generated from the API's OpenAPI document into _generated.py, whose classes extend
these and call only what is here: ``_fields`` (the arguments given, under the API's names),
``_create``, ``_update``, ``_list``/``_iterate`` (the collection) and ``_page_at``/``_iterate_at``
(another list path).
"""
import datetime
import urllib.parse
from typing import Any, Callable, Dict, Iterator, Mapping, Optional, Union

from ._models import Page, Record, camel_keys, paginate

API_V1 = "/api/v1"
ONCALL_V1 = "/v1/oncall"
When = Union[str, datetime.datetime]
Day = Union[str, datetime.date]
Json = Dict[str, Any]


class _NotGiven:
    """Marks an argument left out (not sent), apart from None (sent as null)."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN: Any = _NotGiven()
_POSITIONAL = ("self", "data", "id")


def _quote(id: str) -> str:
    return urllib.parse.quote(str(id), safe="")


class Resource:
    #: keyword -> the API's name, where they differ (generated: ``call_id`` -> ``callId``, ``from_`` -> ``from``)
    _WIRE: Mapping[str, str] = {}

    def __init__(self, http: Any) -> None:
        self._http = http

    def _path(self, id: Optional[str] = None, rest: str = "") -> str:
        raise NotImplementedError

    def _fields(self, arguments: Mapping[str, Any]) -> Dict[str, Any]:
        """The keyword arguments actually passed (a method's ``locals()``), under the API's names."""
        return {self._WIRE.get(k, k): v for k, v in arguments.items() if k not in _POSITIONAL and v is not NOT_GIVEN}

    def _send(self, method: str, path: str, data: Optional[Mapping[str, Any]] = None, fields: Optional[Mapping[str, Any]] = None) -> Record:
        """``data`` (a dict passed first, sent as given: fields this version does not know yet),
        then the keyword fields."""
        body: Optional[Dict[str, Any]] = None
        if data is not None or fields is not None:
            body = dict(data or {})
            body.update(fields or {})
        return Record(self._http.request(method, path, body=body))

    def _create(self, data: Optional[Mapping[str, Any]], fields: Mapping[str, Any]) -> Record:
        return self._send("POST", self._path(), data, fields)

    def _update(self, id: str, data: Optional[Mapping[str, Any]], fields: Mapping[str, Any]) -> Record:
        return self._send("PATCH", self._path(id), data, fields)

    def _page_at(self, path: str, query: Mapping[str, Any]) -> Page:
        """One page. An unknown filter raises BadRequestError: the API refuses it rather than
        silently widening the result."""
        return Page(self._http.request("GET", path, query=query))

    def _iterate_at(self, path: str, query: Mapping[str, Any]) -> Iterator[Record]:
        return paginate(lambda q: self._page_at(path, q), query)

    def _list(self, query: Mapping[str, Any]) -> Page:
        return self._page_at(self._path(), query)

    def _iterate(self, query: Mapping[str, Any]) -> Iterator[Record]:
        return self._iterate_at(self._path(), query)


class OnCallResource(Resource):
    """Seed 003's resources under /v1/oncall: the organization is the credential's own."""

    def __init__(self, http: Any, name: str) -> None:
        super().__init__(http)
        self._base = "%s/%s" % (ONCALL_V1, name)

    def _path(self, id: Optional[str] = None, rest: str = "") -> str:
        return self._base + ("/" + _quote(id) if id is not None else "") + rest

    def get(self, id: str, /) -> Record:
        return self._send("GET", self._path(id))

    def _page_at(self, path: str, query: Mapping[str, Any]) -> Page:
        # snake_case filters passed straight in (``_list({'check_type': ...})``) go out camelCase too
        return super()._page_at(path, camel_keys(query))


class OrgResource(Resource):
    """Seed 000's resources under /api/v1/organizations/{org}: the organization is the client's
    ``organization_id``, else learnt from the credential (GET /auth/whoami)."""

    def __init__(self, http: Any, org_path: Callable[[str], str], name: str) -> None:
        super().__init__(http)
        self._org_path = org_path
        self._name = name

    def _path(self, id: Optional[str] = None, rest: str = "") -> str:
        return self._org_path("/" + self._name + ("/" + _quote(id) if id is not None else "") + rest)


class ReadableOrgResource(OrgResource):
    def get(self, id: str, /) -> Record:
        return self._send("GET", self._path(id))
