"""Verifies webhook deliveries the Standard Webhooks way (docs/webhooks.md).

The server signs ``<webhook-id>.<webhook-timestamp>.<raw body>`` with HMAC-SHA256, keyed with
the bytes of the secret after ``whsec_`` (base64), and sends ``webhook-signature: v1,<base64>``
(several, space-separated, while a secret is rotated). A timestamp outside the tolerance is
refused, so a captured delivery cannot be replayed later.

    from writecarenotes.oncall import verify_webhook, WebhookVerificationError

    event = verify_webhook(secret, request.headers, request.get_data())  # raw bytes, not parsed JSON
"""
import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Any, Mapping, Optional, Union

from ._errors import WebhookVerificationError
from ._models import Record

DEFAULT_TOLERANCE_SECONDS = 300


def _key(secret: str) -> bytes:
    raw = secret[len("whsec_"):] if secret.startswith("whsec_") else secret
    # Older secrets were base64url; the key bytes are the same either way.
    raw = raw.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)
    except (binascii.Error, ValueError) as err:
        raise WebhookVerificationError("the webhook secret is not base64 (expected whsec_<base64>)") from err


def _bytes(body: Union[bytes, bytearray, str]) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def sign_webhook(secret: str, id: str, timestamp: Union[int, str], body: Union[bytes, bytearray, str]) -> str:
    """The ``v1,<base64>`` signature of a delivery (what the sender computes)."""
    signed = ("%s.%s." % (id, timestamp)).encode("utf-8") + _bytes(body)
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def _header(headers: Any, name: str) -> Optional[str]:
    """Any mapping or header object: dict (any case), http.client / email messages, WSGI-style
    frameworks' header objects."""
    value = headers.get(name) if hasattr(headers, "get") else None
    if value is None and isinstance(headers, Mapping):
        for key in headers:
            if isinstance(key, str) and key.lower() == name:
                value = headers[key]
                break
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value if isinstance(value, str) and value else None


def verify_webhook(
    secret: str,
    headers: Any,
    body: Union[bytes, bytearray, str],
    tolerance: float = DEFAULT_TOLERANCE_SECONDS,
    now: Optional[float] = None,
) -> Record:
    """Checks a delivery and answers its parsed payload (``event``, ``timestamp``, ``data``).

    ``body`` must be the raw bytes (or text) received, before any JSON parsing: re-serialised
    JSON does not match the signature. Raises WebhookVerificationError when a header is missing,
    the timestamp is more than ``tolerance`` seconds from ``now`` or no signature matches.
    """
    id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    if not id or not timestamp or not signatures:
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature header")
    if not timestamp.isdigit():
        raise WebhookVerificationError("invalid webhook-timestamp")
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        raise WebhookVerificationError("webhook-timestamp is outside the tolerance (%ss)" % tolerance)
    expected = sign_webhook(secret, id, timestamp, body)[len("v1,"):].encode("ascii")
    for candidate in signatures.split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode("ascii", "replace"), expected):
            try:
                payload = json.loads(_bytes(body).decode("utf-8"))
            except ValueError as err:
                raise WebhookVerificationError("the signed body is not JSON") from err
            return Record(payload) if isinstance(payload, dict) else payload
    raise WebhookVerificationError("no matching signature")
