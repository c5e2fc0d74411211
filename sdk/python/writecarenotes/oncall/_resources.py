"""Seed 003's four resources under /v1/oncall, called the way the seed's Python example does:
``client.recordings.create(call_id=..., url=..., duration=...)``,
``client.compliance.list(region=..., regulatory_body='CQC', status=...)``.

Keyword arguments are snake_case and sent in the API's camelCase; a dict passed positionally
is sent the same way (so ``create({'callId': ...})`` works too). The organization is the
credential's own, so an API key alone is enough.
"""
import urllib.parse
from typing import Any, Dict, Iterator, Mapping, Optional

from ._models import Page, Record, camel_keys, paginate
from ._transport import Transport

ONCALL_V1 = "/v1/oncall"


def _quote(id: str) -> str:
    return urllib.parse.quote(str(id), safe="")


def _merge(data: Optional[Mapping[str, Any]], fields: Mapping[str, Any]) -> Dict[str, Any]:
    merged = dict(camel_keys(data or {}))
    merged.update(camel_keys(fields))
    return merged


class OnCallResource:
    """``create``, ``update``, ``get``, ``list`` (one page) and ``iterate`` (every item)."""

    def __init__(self, http: Transport, name: str) -> None:
        self._http = http
        self._base = "%s/%s" % (ONCALL_V1, name)

    def create(self, data: Optional[Mapping[str, Any]] = None, /, **fields: Any) -> Record:
        return Record(self._http.request("POST", self._base, body=_merge(data, fields)))

    def update(self, id: str, data: Optional[Mapping[str, Any]] = None, /, **fields: Any) -> Record:
        """PATCH: only the fields given change; ``metadata``/``details`` merge key by key."""
        return Record(self._http.request("PATCH", "%s/%s" % (self._base, _quote(id)), body=_merge(data, fields)))

    def get(self, id: str, /) -> Record:
        return Record(self._http.request("GET", "%s/%s" % (self._base, _quote(id))))

    def list(self, **query: Any) -> Page:
        """One page; the seed's filters as keyword arguments, plus ``page``, ``limit``,
        ``cursor`` and ``include_total``. An unknown filter raises BadRequestError (the API
        refuses it rather than silently widening the result)."""
        return self._page(camel_keys(query))

    def iterate(self, **query: Any) -> Iterator[Record]:
        """Every matching record, page after page (``limit`` sets the page size)."""
        return paginate(self._page, camel_keys(query))

    def _page(self, query: Mapping[str, Any]) -> Page:
        return Page(self._http.request("GET", self._base, query=query))


class Calls(OnCallResource):
    """Seed 003's calls: ``phone_number``, ``region``, ``priority``, ``status``, ``metadata``;
    list filters ``region``, ``status``, ``start_date``, ``end_date``."""


class Schedules(OnCallResource):
    """Staff schedules: ``staff_id``, ``type``, ``start_time``, ``end_time``, ``status``,
    ``metadata``; list filters ``staff_id``, ``status``, ``start_date``, ``end_date``."""


class Recordings(OnCallResource):
    """Call recordings: ``call_id``, ``url``, ``duration``, ``status``, ``metadata``; list
    filters ``call_id``, ``status``, ``min_duration``, ``max_duration``."""


class ComplianceRecords(OnCallResource):
    """Compliance records: ``call_id``, ``region``, ``regulatory_body``, ``check_type``,
    ``status``, ``details``, ``metadata``; list filters ``region``, ``regulatory_body``,
    ``status``, ``check_type``."""
