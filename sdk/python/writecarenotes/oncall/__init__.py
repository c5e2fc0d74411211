"""The OnCall API's Python client (seed 003): ``from writecarenotes.oncall import OnCallClient``.

Standard library only, Python 3.9+. Usage: sdk/python/README.md.
"""
from ._client import OnCallClient
from ._environments import ENVIRONMENTS
from ._errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    OnCallApiError,
    OnCallError,
    OnCallNetworkError,
    OnCallTimeoutError,
    PermissionDeniedError,
    RateLimit,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    ValidationError,
    WebhookVerificationError,
)
from ._models import Page, Record
from ._transport import VERSION as __version__
from .webhooks import sign_webhook, verify_webhook

__all__ = [
    "OnCallClient",
    "ENVIRONMENTS",
    "Page",
    "Record",
    "RateLimit",
    "OnCallError",
    "OnCallApiError",
    "OnCallNetworkError",
    "OnCallTimeoutError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "ValidationError",
    "RateLimitError",
    "ServerError",
    "ServiceUnavailableError",
    "WebhookVerificationError",
    "verify_webhook",
    "sign_webhook",
    "__version__",
]
