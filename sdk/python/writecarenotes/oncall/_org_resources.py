"""Seed 000's organization resources under /api/v1 (snake_case on the wire already, so names
are sent as they are, but ``from_`` for the API's ``from``): the call log, tasks, patients,
users, the audit log, webhook subscriptions and API keys. Paths are ``/organizations/{org}/...``:
the organization is ``organization_id`` given to the client, else learnt from the credential
(GET /auth/whoami).

Bodies and list filters are explicit keyword arguments generated from the API's OpenAPI document
(_generated.py), like seed 003's resources: a misspelt one is a TypeError, not a field the API
drops. What is written here is what the document does not say: the calls without fields.
"""
from ._base import API_V1
from ._generated import ApiKeysApi, AuditApi, CallLogApi, PatientsApi, TasksApi, UsersApi, WebhooksApi
from ._models import Record
from .webhooks import verify_webhook


class CallLog(CallLogApi):
    """Seed 000's calls; without ``date`` or ``from_``/``to``, ``list`` answers today's."""


class Tasks(TasksApi):
    """Tasks; ``mine``/``iterate_mine`` are the signed-in user's own (``/users/me/tasks``)."""

    def cancel(self, id: str, /) -> Record:
        """DELETE: cancels the task and answers it (idempotent)."""
        return self._send("DELETE", self._path(id))


class Patients(PatientsApi):
    """``list(q=...)``: a name prefix or a phone number in any format; ``phone=``: exact lookup."""


class Users(UsersApi):
    """``list(role=...)``; ``me()``."""

    def me(self) -> Record:
        """The signed-in user (an API key has none: PermissionDeniedError)."""
        return self._send("GET", API_V1 + "/users/me")


class Audit(AuditApi):
    """The append-only audit log (admin): ``from_=`` stands for ``from``."""


class Webhooks(WebhooksApi):
    """Subscriptions (a signed-in admin). The signing ``secret`` is in ``create``'s answer only."""

    #: ``client.webhooks.verify(secret, headers, body)``: see writecarenotes.oncall.verify_webhook
    verify = staticmethod(verify_webhook)

    def delete(self, id: str, /) -> Record:
        return self._send("DELETE", self._path(id))

    def enable(self, id: str, /) -> Record:
        """Re-enables an endpoint the API disabled after it kept failing (a signed-in admin)."""
        return self._send("POST", self._path(id, "/enable"))


class ApiKeys(ApiKeysApi):
    """API keys (admin). The key itself is in ``create``'s answer only."""

    def revoke(self, id: str, /) -> Record:
        """It answers 401 from then on."""
        return self._send("DELETE", self._path(id))
