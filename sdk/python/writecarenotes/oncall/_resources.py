"""Seed 003's four resources under /v1/oncall, called the way the seed's Python example does:
``client.recordings.create(call_id=..., url=..., duration=...)``,
``client.compliance.list(region=..., regulatory_body='CQC', status=...)``.

Their methods (``create``, ``update``, ``list``, ``iterate``) and every field and filter come from
the API's OpenAPI document (_generated.py): explicit snake_case keywords, so a misspelt one is a
TypeError here, not a field the API drops, sent under the API's camelCase names. Fields this SDK
does not know yet can go in a dict passed first (``create({'newField': 1}, call_id=...)``), sent
as given. ``get(id)`` and the transport are _base.py's. The organization is the credential's own,
so an API key alone is enough.
"""
from ._generated import CallsApi, ComplianceRecordsApi, RecordingsApi, SchedulesApi


class Calls(CallsApi):
    """Seed 003's calls (``/v1/oncall/calls``): seed 000's call log in camelCase."""


class Schedules(SchedulesApi):
    """Staff schedules (``/v1/oncall/schedules``)."""


class Recordings(RecordingsApi):
    """Call recordings (``/v1/oncall/recordings``)."""


class ComplianceRecords(ComplianceRecordsApi):
    """Compliance records (``/v1/oncall/compliance``)."""
