"""Pythonic views of the API's JSON, and the snake_case -> camelCase mapping of arguments.

The OnCall facade (``/v1/oncall``) speaks camelCase (``callId``, ``regulatoryBody``); Python code
passes ``call_id=``, ``regulatory_body=``. Only the names of the API's own fields are mapped:
the contents of ``metadata`` and ``details`` are the caller's data and travel untouched.
Answers stay dicts (JSON-serialisable, the API's own keys) that also read as attributes in
snake_case: ``recording.call_id`` is ``recording['callId']``.
"""
import datetime as _dt
import re
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional

_CAMEL_BOUNDARY = re.compile(r"_([a-z0-9])")
_UPPER = re.compile(r"([A-Z])")


def to_camel(name: str) -> str:
    """``regulatory_body`` -> ``regulatoryBody``; names without underscores stay as they are."""
    if "_" not in name.strip("_"):
        return name
    return _CAMEL_BOUNDARY.sub(lambda m: m.group(1).upper(), name)


def to_snake(name: str) -> str:
    return _UPPER.sub(lambda m: "_" + m.group(1).lower(), name)


def camel_keys(fields: Mapping[str, Any]) -> Dict[str, Any]:
    """Maps the top-level keys only: nested dicts (metadata, details) are the caller's own."""
    return {to_camel(k): v for k, v in fields.items()}


def _iso(value: "_dt.datetime") -> str:
    """Aware datetimes in UTC with ``Z``; naive ones are taken as UTC (the API's clock)."""
    if value.tzinfo is not None:
        value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds") + "Z"


def json_default(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return _iso(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError("%r is not JSON serialisable" % (value,))


def query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        return _iso(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


class Record(dict):  # type: ignore[type-arg]
    """One API object: a dict with the API's keys, readable as snake_case attributes."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        for key in (name, to_camel(name)):
            if key in self:
                value = self[key]
                return Record(value) if isinstance(value, dict) and not isinstance(value, Record) else value
        raise AttributeError("%s has no field %r (fields: %s)" % (type(self).__name__, name, ", ".join(self)))

    def __dir__(self) -> List[str]:
        return sorted(set(list(super().__dir__()) + [to_snake(k) for k in self]))

    def __repr__(self) -> str:
        return "%s(%s)" % (type(self).__name__, dict.__repr__(self))

    def to_dict(self) -> Dict[str, Any]:
        return dict(self)


class Page:
    """One page of a list: iterate it, index it, or read ``items``, ``page``, ``limit``,
    ``total`` (when asked for with ``include_total=True``) and ``next_cursor``."""

    def __init__(self, body: Mapping[str, Any]) -> None:
        self.raw: Dict[str, Any] = dict(body)
        self.items: List[Record] = [Record(item) if isinstance(item, dict) else item for item in body.get("items", [])]
        self.page: Optional[int] = body.get("page")
        self.limit: Optional[int] = body.get("limit")
        self.total: Optional[int] = body.get("total")
        # seed 003's envelope says nextCursor, seed 000's next_cursor
        self.has_cursor = "nextCursor" in body or "next_cursor" in body
        self.next_cursor: Optional[str] = body.get("nextCursor", body.get("next_cursor"))

    @property
    def has_more(self) -> bool:
        if self.has_cursor:
            return self.next_cursor is not None
        if self.total is not None and self.page is not None and self.limit is not None:
            return self.page * self.limit < self.total
        return bool(self.items)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Record:
        return self.items[index]

    def __bool__(self) -> bool:
        return bool(self.items)

    def __repr__(self) -> str:
        return "Page(page=%r, limit=%r, total=%r, items=%d, next_cursor=%r)" % (
            self.page,
            self.limit,
            self.total,
            len(self.items),
            self.next_cursor,
        )


def paginate(fetch: Callable[[Dict[str, Any]], Page], query: Mapping[str, Any]) -> Iterator[Record]:
    """Every item of every page: follows the cursor when the server gives one (keyset pages,
    stable while rows are added), else asks for the next page number."""
    base = {k: v for k, v in query.items() if k != "cursor"}
    current: Dict[str, Any] = dict(query)
    while True:
        page = fetch(current)
        for item in page.items:
            yield item
        if not page.items or not page.has_more:
            return
        if page.has_cursor:
            current = dict(base, cursor=page.next_cursor)
        else:
            current = dict(current, page=(page.page or 1) + 1)
