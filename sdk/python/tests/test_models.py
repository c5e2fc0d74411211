"""snake_case in, camelCase on the wire, attribute access on the answers; webhook signatures."""
import datetime
import unittest

from writecarenotes.oncall import Page, Record, WebhookVerificationError, sign_webhook, verify_webhook
from writecarenotes.oncall._models import camel_keys, paginate, to_camel


class NamesTest(unittest.TestCase):
    def test_snake_case_arguments_map_to_the_api_names(self) -> None:
        self.assertEqual(to_camel("call_id"), "callId")
        self.assertEqual(to_camel("regulatory_body"), "regulatoryBody")
        self.assertEqual(to_camel("include_total"), "includeTotal")
        self.assertEqual(to_camel("min_duration"), "minDuration")
        self.assertEqual(to_camel("region"), "region")
        self.assertEqual(to_camel("callId"), "callId")

    def test_only_top_level_names_are_mapped(self) -> None:
        mapped = camel_keys({"check_type": "x", "details": {"retention_period": "7 years"}})
        self.assertEqual(mapped, {"checkType": "x", "details": {"retention_period": "7 years"}})

    def test_records_read_as_snake_case_attributes_and_stay_dicts(self) -> None:
        record = Record({"id": "r1", "callId": "c1", "regulatoryBody": "CQC", "metadata": {"a_b": 1}})
        self.assertEqual(record.call_id, "c1")
        self.assertEqual(record.regulatory_body, "CQC")
        self.assertEqual(record["callId"], "c1")
        self.assertEqual(record.metadata["a_b"], 1)
        self.assertIsInstance(record, dict)
        with self.assertRaises(AttributeError):
            record.no_such_field  # noqa: B018
        self.assertIn("call_id", dir(record))

    def test_pagination_follows_the_cursor(self) -> None:
        pages = {
            None: {"items": [{"id": 1}, {"id": 2}], "page": 1, "limit": 2, "nextCursor": "c2"},
            "c2": {"items": [{"id": 3}], "page": 1, "limit": 2, "nextCursor": None},
        }
        asked = []

        def fetch(query):
            asked.append(dict(query))
            return Page(pages[query.get("cursor")])

        self.assertEqual([r["id"] for r in paginate(fetch, {"limit": 2, "regulatoryBody": "CQC"})], [1, 2, 3])
        self.assertEqual(asked[1], {"limit": 2, "regulatoryBody": "CQC", "cursor": "c2"})


SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = '{"test": 2432232314}'


class WebhookTest(unittest.TestCase):
    def test_the_standard_webhooks_reference_vector(self) -> None:
        # From the Standard Webhooks specification's reference libraries.
        self.assertEqual(
            sign_webhook(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, BODY),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        )

    def headers(self, ts: int, body: str = BODY, secret: str = SECRET):
        return {"Webhook-Id": "msg_1", "Webhook-Timestamp": str(ts), "Webhook-Signature": sign_webhook(secret, "msg_1", ts, body)}

    def test_verifies_and_parses_within_the_tolerance(self) -> None:
        now = 1_700_000_000
        payload = verify_webhook(SECRET, self.headers(now - 200), BODY.encode(), now=now)
        self.assertEqual(payload.test, 2432232314)

    def test_one_of_several_signatures_may_match_during_rotation(self) -> None:
        now = 1_700_000_000
        headers = self.headers(now)
        headers["Webhook-Signature"] = "v1,AAAA " + headers["Webhook-Signature"]
        verify_webhook(SECRET, headers, BODY, now=now)

    def test_refuses_stale_future_tampered_and_unsigned_deliveries(self) -> None:
        now = 1_700_000_000
        with self.assertRaises(WebhookVerificationError):
            verify_webhook(SECRET, self.headers(now - 301), BODY, now=now)
        with self.assertRaises(WebhookVerificationError):
            verify_webhook(SECRET, self.headers(now + 301), BODY, now=now)
        with self.assertRaises(WebhookVerificationError):
            verify_webhook(SECRET, self.headers(now), BODY.replace("2432", "9999"), now=now)
        with self.assertRaises(WebhookVerificationError):
            verify_webhook("whsec_" + "A" * 32, self.headers(now), BODY, now=now)
        with self.assertRaises(WebhookVerificationError):
            verify_webhook(SECRET, {"webhook-id": "msg_1"}, BODY, now=now)

    def test_datetimes_are_sent_as_utc_iso(self) -> None:
        from writecarenotes.oncall._models import json_default, query_value

        aware = datetime.datetime(2024, 3, 21, 11, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
        self.assertEqual(json_default(aware), "2024-03-21T10:00:00.000Z")
        self.assertEqual(query_value(datetime.datetime(2024, 3, 21, 10, 0)), "2024-03-21T10:00:00.000Z")
        self.assertEqual(query_value(True), "true")


if __name__ == "__main__":
    unittest.main()
