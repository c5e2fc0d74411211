"""Where the client sends requests.

Seed 003 names an environment (``environment='production'``); a self-hosted API is reached with
``base_url``, or, without touching code that names an environment, with the ``ONCALL_BASE_URL``
environment variable (tests, staging). Same names and order as the Node.js SDK
(src-shared/sdk/environments.ts), so one setting moves both.
"""
import os
from typing import Optional

#: The API's origin per named environment; the SDK adds ``/v1/oncall`` and ``/api/v1``.
ENVIRONMENTS = {
    "production": "https://api.writecarenotes.com",
    "local": "http://127.0.0.1:8080",
}

BASE_URL_ENV = "ONCALL_BASE_URL"


def resolve_base_url(base_url: Optional[str] = None, environment: Optional[str] = None) -> str:
    """``base_url`` wins, then ONCALL_BASE_URL, then the named environment (default production)."""
    if base_url:
        return base_url.rstrip("/")
    from_env = os.environ.get(BASE_URL_ENV)
    if from_env:
        return from_env.rstrip("/")
    name = environment or "production"
    try:
        return ENVIRONMENTS[name]
    except KeyError:
        raise ValueError(
            'unknown environment "%s": use one of %s, or base_url' % (name, ", ".join(sorted(ENVIRONMENTS)))
        ) from None
