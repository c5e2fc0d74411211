"""Typed exceptions: the API answered with seed 003's error format, or it could not be reached.

Every API error carries ``status``, ``code``, ``message`` and ``details`` (always a dict), plus the
server's ``request_id`` (quote it when reporting a problem), ``retry_after`` (seconds, on 429/503)
and the ``rate_limit`` headers of that answer. Catch a subclass for one status, or
``OnCallApiError`` for all of them.
"""
import json
from typing import Any, Dict, Mapping, NamedTuple, Optional


class RateLimit(NamedTuple):
    """Seed 003's ``X-RateLimit-*`` headers of one answer."""

    limit: int
    remaining: int
    #: when the window resets, Unix time in seconds
    reset: int


def _header(headers: Optional[Mapping[str, str]], name: str) -> Optional[str]:
    if headers is None:
        return None
    value = headers.get(name)
    if value is None:
        lower = name.lower()
        for key in headers:
            if key.lower() == lower:
                return headers[key]
    return value


def read_rate_limit(headers: Optional[Mapping[str, str]]) -> Optional[RateLimit]:
    limit = _header(headers, "x-ratelimit-limit")
    if limit is None:
        return None
    try:
        return RateLimit(
            int(limit),
            int(_header(headers, "x-ratelimit-remaining") or 0),
            int(_header(headers, "x-ratelimit-reset") or 0),
        )
    except ValueError:
        return None


def parse_retry_after(value: Optional[str], now: float) -> Optional[float]:
    """Retry-After in seconds or as an HTTP date, in seconds from ``now``; None when unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class OnCallError(Exception):
    """Base class of everything this SDK raises on purpose."""


class OnCallNetworkError(OnCallError):
    """The request got no HTTP answer: refused, reset, DNS failure, or a timeout."""


class OnCallTimeoutError(OnCallNetworkError):
    """No answer within the client's ``timeout``."""


class OnCallApiError(OnCallError):
    """The API answered non-2xx (a non-JSON error page becomes ``code='HTTP_<status>'``)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Optional[Dict[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
        now: float = 0.0,
    ) -> None:
        super().__init__("%s %s: %s" % (status, code, message))
        self.status = status
        self.code = code
        self.message = message
        self.details: Dict[str, Any] = details if isinstance(details, dict) else {}
        self.headers: Dict[str, str] = dict(headers or {})
        self.request_id: Optional[str] = _header(headers, "x-request-id")
        self.retry_after: Optional[float] = parse_retry_after(_header(headers, "retry-after"), now)
        self.rate_limit: Optional[RateLimit] = read_rate_limit(headers)

    def to_dict(self) -> Dict[str, Any]:
        return {"status": self.status, "code": self.code, "message": self.message, "details": self.details}


class BadRequestError(OnCallApiError):
    """400: invalid parameters (an unknown query parameter is one; ``details`` names the allowed)."""


class AuthenticationError(OnCallApiError):
    """401: missing, invalid, revoked or expired credential."""


class PermissionDeniedError(OnCallApiError):
    """403: the credential's role may not do this."""


class NotFoundError(OnCallApiError):
    """404: no such record in the credential's organization."""


class ConflictError(OnCallApiError):
    """409: e.g. an invalid status transition."""


class ValidationError(OnCallApiError):
    """422: the body failed validation; ``details`` maps each field (camelCase) to its problem."""


class RateLimitError(OnCallApiError):
    """429: rate limited; ``retry_after`` says how long to wait."""


class ServerError(OnCallApiError):
    """5xx."""


class ServiceUnavailableError(ServerError):
    """503: temporarily unavailable; ``retry_after`` says when to come back."""


_BY_STATUS = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def api_error_from(status: int, body: bytes, headers: Mapping[str, str], now: float) -> OnCallApiError:
    """Reads an error answer; anything not in the seed's format still becomes an OnCallApiError."""
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else OnCallApiError)
    text = body.decode("utf-8", "replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    err = parsed.get("error") if isinstance(parsed, dict) else None
    if isinstance(err, dict) and isinstance(err.get("code"), str) and isinstance(err.get("message"), str):
        return cls(status, err["code"], err["message"], err.get("details"), headers, now)
    snippet = text[:200].strip()
    return cls(status, "HTTP_%d" % status, snippet or "HTTP %d" % status, {}, headers, now)


class WebhookVerificationError(OnCallError):
    """A webhook delivery failed verification: missing header, stale timestamp or bad signature."""
