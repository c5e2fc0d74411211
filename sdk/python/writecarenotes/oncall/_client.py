"""OnCallClient: seed 003's Python SDK.

    client = OnCallClient(api_key='...', environment='production')
    recording = client.recordings.create(call_id=..., url=..., duration=300)
    records = client.compliance.list(region='england', regulatory_body='CQC', status='compliant')

Names follow the Node.js SDK (src-shared/sdk) in snake_case: ``calls``, ``schedules``,
``recordings``, ``compliance`` (seed 003, /v1/oncall) and ``call_log``, ``tasks``, ``patients``,
``users``, ``audit``, ``webhooks``, ``api_keys`` (seed 000, /api/v1).
"""
import os
import urllib.parse
from typing import Any, Callable, Dict, Optional

from ._base import API_V1
from ._environments import resolve_base_url
from ._errors import RateLimit
from ._models import Record
from ._org_resources import ApiKeys, Audit, CallLog, Patients, Tasks, Users, Webhooks
from ._resources import Calls, ComplianceRecords, Recordings, Schedules
from ._transport import Transport

API_KEY_ENV = "ONCALL_API_KEY"


class Auth:
    def __init__(self, client: "OnCallClient") -> None:
        self._client = client

    def login(self, email: str, password: str) -> Record:
        """Signs in; the client then sends the access token and refreshes it when it expires."""
        http = self._client._http
        tokens = Record(http.request("POST", API_V1 + "/auth/login", body={"email": email, "password": password}, anonymous=True))
        http.api_key = None
        http.accept_tokens(tokens)
        self._client._organization_id = tokens["user"]["organization_id"]
        return tokens

    def whoami(self) -> Record:
        """Who this credential is (``type`` user or api_key, ``id``, ``organization_id``, ``role``,
        ``name``): answers API keys too, unlike ``users.me()``."""
        return Record(self._client._http.request("GET", API_V1 + "/auth/whoami"))

    def refresh(self) -> Record:
        """Exchanges the refresh token for a new pair (the old refresh token stops working)."""
        return Record(self._client._http.refresh())

    def logout(self) -> None:
        """Revokes the access token on the server and forgets the pair."""
        http = self._client._http
        try:
            if http.access_token:
                http.request("POST", API_V1 + "/auth/logout")
        finally:
            http.access_token = None
            http.refresh_token = None


class OnCallClient:
    """The OnCall API's client.

    :param api_key: an API key (``X-API-Key``); default: the ONCALL_API_KEY environment variable
        when no ``access_token`` is given either
    :param access_token: a Bearer token instead (``refresh_token`` to renew it automatically)
    :param environment: ``'production'`` (default) or ``'local'``; ONCALL_BASE_URL overrides it
    :param base_url: a self-hosted API's origin (``https://oncall.example.org``); wins over both
    :param organization_id: the organization of seed 000's routes; learnt from the credential
        (GET /auth/whoami) when omitted
    :param timeout: seconds each socket operation may take (connect, each read)
    :param max_retries: retries after 429, and after 503 or a network failure for idempotent
        methods (GET, PUT, DELETE); 0 disables
    :param retry_base: first backoff step in seconds when the server gives no Retry-After
    :param max_retry_wait: a Retry-After longer than this is not waited for: the error is raised
    :param on_tokens: called with every new token pair (login, refresh) so you can store it
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        access_token: Optional[str] = None,
        refresh_token: Optional[str] = None,
        environment: Optional[str] = None,
        base_url: Optional[str] = None,
        organization_id: Optional[str] = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        retry_base: float = 0.5,
        max_retry_wait: float = 60.0,
        on_tokens: Optional[Callable[[Dict[str, Any]], None]] = None,
        _sleep: Optional[Callable[[float], None]] = None,
    ) -> None:
        if api_key is None and access_token is None:
            api_key = os.environ.get(API_KEY_ENV) or None
        extra = {"sleep": _sleep} if _sleep is not None else {}
        self._http = Transport(
            resolve_base_url(base_url, environment),
            api_key=api_key,
            access_token=access_token,
            refresh_token=refresh_token,
            timeout=timeout,
            max_retries=max_retries,
            retry_base=retry_base,
            max_retry_wait=max_retry_wait,
            on_tokens=on_tokens,
            **extra,
        )
        self._organization_id = organization_id
        http = self._http
        # seed 003 (camelCase facade)
        self.calls = Calls(http, "calls")
        self.schedules = Schedules(http, "schedules")
        self.recordings = Recordings(http, "recordings")
        self.compliance = ComplianceRecords(http, "compliance")
        # seed 000 (organization routes)
        self.call_log = CallLog(http, self._org_path, "calls")
        self.tasks = Tasks(http, self._org_path, "tasks")
        self.patients = Patients(http, self._org_path, "patients")
        self.users = Users(http, self._org_path, "users")
        self.audit = Audit(http, self._org_path, "audit")
        self.webhooks = Webhooks(http, self._org_path, "webhooks")
        self.api_keys = ApiKeys(http, self._org_path, "api-keys")
        self.auth = Auth(self)

    @property
    def base_url(self) -> str:
        return self._http.base_url

    @property
    def rate_limit(self) -> Optional[RateLimit]:
        """Seed 003's ``X-RateLimit-*`` headers of the latest answer: limit, remaining, reset."""
        return self._http.rate_limit

    @property
    def tokens(self) -> Dict[str, Optional[str]]:
        """The current pair (after any automatic refresh)."""
        return {"access_token": self._http.access_token, "refresh_token": self._http.refresh_token}

    @property
    def organization_id(self) -> str:
        """Given, learnt at sign-in, or else asked once of GET /auth/whoami (users and keys alike)."""
        if self._organization_id is None:
            self._organization_id = str(self.auth.whoami()["organization_id"])
        return self._organization_id

    def _org_path(self, rest: str) -> str:
        return "%s/organizations/%s%s" % (API_V1, urllib.parse.quote(self.organization_id, safe=""), rest)

    def __repr__(self) -> str:
        return "OnCallClient(base_url=%r)" % self.base_url
