"""HTTP for the SDK over urllib: JSON in and out, seed 003's errors as typed exceptions, retries
of what is safe to retry, timeouts, and the rate-limit headers of the latest answer.

Retries: a 429 was refused before anything ran, so any request is sent again; a 503 or a network
failure may have happened after the server acted, so only idempotent methods are. The wait
honours Retry-After, else grows exponentially with full jitter. A Retry-After longer than
``max_retry_wait`` is not slept through: the error is raised at once, carrying ``retry_after``.
"""
import json
import random
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from ._errors import (
    AuthenticationError,
    OnCallApiError,
    OnCallNetworkError,
    OnCallTimeoutError,
    RateLimit,
    api_error_from,
    parse_retry_after,
    read_rate_limit,
)
from ._models import json_default, query_value

VERSION = "0.1.0"
IDEMPOTENT = frozenset(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])
USER_AGENT = "writecarenotes-oncall-python/%s Python/%d.%d" % (VERSION, sys.version_info[0], sys.version_info[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """urllib would follow a redirect and turn a POST into a GET; the API never redirects, so a
    3xx (a misconfigured proxy, http -> https) surfaces as an error instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


def _is_timeout(err: BaseException) -> bool:
    reason = getattr(err, "reason", None)
    return isinstance(err, (socket.timeout, TimeoutError)) or isinstance(reason, (socket.timeout, TimeoutError))


class Response:
    def __init__(self, status: int, headers: Dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None


class Transport:
    def __init__(
        self,
        base_url: str,
        api_key: Optional[str] = None,
        access_token: Optional[str] = None,
        refresh_token: Optional[str] = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        retry_base: float = 0.5,
        max_retry_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        on_tokens: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_base = retry_base
        self.max_retry_wait = max_retry_wait
        self.sleep = sleep
        self.on_tokens = on_tokens
        #: the X-RateLimit-* headers of the latest answer that had them
        self.rate_limit: Optional[RateLimit] = None
        self._opener = urllib.request.build_opener(_NoRedirect())
        self._refresh_lock = threading.Lock()

    # ---- public entry points ----

    def request(
        self,
        method: str,
        path: str,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        anonymous: bool = False,
    ) -> Any:
        """Sends one request (retried as above); answers the parsed JSON body (None for 204)."""
        used_token = self.access_token
        res = self._with_retries(method, path, query, body, anonymous)
        if 200 <= res.status < 300:
            return self._parse(res, method, path)
        error = api_error_from(res.status, res.body, res.headers, time.time())
        if isinstance(error, AuthenticationError) and error.code == "TOKEN_EXPIRED" and not anonymous and self.refresh_token:
            # One automatic refresh: the server rotates refresh tokens, so concurrent callers
            # share it (another thread may already have refreshed: then just retry).
            with self._refresh_lock:
                if self.access_token == used_token:
                    self.refresh()
            res = self._with_retries(method, path, query, body, anonymous)
            if 200 <= res.status < 300:
                return self._parse(res, method, path)
            raise api_error_from(res.status, res.body, res.headers, time.time())
        raise error

    def refresh(self) -> Dict[str, Any]:
        if not self.refresh_token:
            raise OnCallApiError(401, "UNAUTHORIZED", "no refresh token")
        tokens = self.request("POST", "/api/v1/auth/refresh", body={"refresh_token": self.refresh_token}, anonymous=True)
        self.accept_tokens(tokens)
        return tokens  # type: ignore[no-any-return]

    def accept_tokens(self, tokens: Mapping[str, Any]) -> None:
        self.access_token = tokens.get("access_token")
        self.refresh_token = tokens.get("refresh_token")
        if self.on_tokens is not None:
            self.on_tokens(dict(tokens))

    # ---- internals ----

    @staticmethod
    def _parse(res: Response, method: str, path: str) -> Any:
        if res.status == 204 or not res.body:
            return None
        try:
            return res.json()
        except ValueError as err:
            raise OnCallNetworkError("invalid JSON from %s %s: %s" % (method, path, err)) from err

    def _backoff(self, attempt: int) -> float:
        return random.uniform(0, self.retry_base * (2**attempt))

    def _with_retries(self, method: str, path: str, query: Optional[Mapping[str, Any]], body: Any, anonymous: bool) -> Response:
        idempotent = method in IDEMPOTENT
        attempt = 0
        while True:
            try:
                res = self._send_once(method, path, query, body, anonymous)
            except OnCallNetworkError:
                if not idempotent or attempt >= self.max_retries:
                    raise
                self.sleep(self._backoff(attempt))
                attempt += 1
                continue
            retryable = res.status == 429 or (res.status == 503 and idempotent)
            if not retryable or attempt >= self.max_retries:
                return res
            asked = parse_retry_after(res.headers.get("retry-after"), time.time())
            if asked is not None and asked > self.max_retry_wait:
                return res  # not worth blocking for: the caller gets the error with retry_after
            self.sleep(asked if asked is not None else self._backoff(attempt))
            attempt += 1

    def _url(self, path: str, query: Optional[Mapping[str, Any]]) -> str:
        pairs: List[Tuple[str, str]] = []
        for key, value in (query or {}).items():
            if value is None:
                continue
            if isinstance(value, (list, tuple, set, frozenset)):
                pairs.extend((key, query_value(v)) for v in value)
            else:
                pairs.append((key, query_value(value)))
        url = self.base_url + path
        return url + ("?" + urllib.parse.urlencode(pairs) if pairs else "")

    def _send_once(self, method: str, path: str, query: Optional[Mapping[str, Any]], body: Any, anonymous: bool) -> Response:
        headers = {"accept": "application/json", "user-agent": USER_AGENT}
        if not anonymous:
            if self.api_key:
                headers["x-api-key"] = self.api_key
            elif self.access_token:
                headers["authorization"] = "Bearer " + self.access_token
        data: Optional[bytes] = None
        if body is not None:
            data = json.dumps(body, default=json_default, separators=(",", ":")).encode("utf-8")
            headers["content-type"] = "application/json"
        req = urllib.request.Request(self._url(path, query), data=data, headers=headers, method=method)
        try:
            try:
                with self._opener.open(req, timeout=self.timeout) as raw:
                    res = Response(raw.status, _headers(raw.headers), raw.read())
            except urllib.error.HTTPError as err:
                with err:
                    res = Response(err.code, _headers(err.headers), err.read())
        except (urllib.error.URLError, OSError, ValueError) as err:
            if isinstance(err, urllib.error.HTTPError):  # pragma: no cover - handled above
                raise
            why = "timed out after %ss" % self.timeout if _is_timeout(err) else "failed"
            cls = OnCallTimeoutError if _is_timeout(err) else OnCallNetworkError
            raise cls("%s %s %s: %s" % (method, path, why, getattr(err, "reason", err))) from err
        except Exception as err:  # http.client.RemoteDisconnected, IncompleteRead, BadStatusLine...
            raise OnCallNetworkError("%s %s failed: %r" % (method, path, err)) from err
        self.rate_limit = read_rate_limit(res.headers) or self.rate_limit
        return res


def _headers(message: Any) -> Dict[str, str]:
    """Lower-cased names (HTTP headers are case-insensitive; a plain dict is not)."""
    return {k.lower(): v for k, v in message.items()} if message is not None else {}

