"""Retries, timeouts, typed errors and rate-limit headers, against a real local HTTP server that
answers 429/503 with Retry-After, drops connections or hangs (tests/_scripted_server.py).

Waits are recorded through the client's sleep hook, so the tests prove which delays the client
chose without depending on how fast this machine is; one test sleeps for real."""
import time
import unittest
import urllib.parse

from writecarenotes.oncall import (
    BadRequestError,
    NotFoundError,
    OnCallApiError,
    OnCallClient,
    OnCallNetworkError,
    OnCallTimeoutError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    ValidationError,
)

from ._scripted_server import DROP, HANG, Answer, ScriptedServer, error

RECORD = {"id": "c1", "callId": "k1", "organizationId": "o1", "status": "pending", "metadata": {"some_key": 1}}


class TransportTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = ScriptedServer()
        self.sleeps = []
        self.client = OnCallClient(api_key="ock_test", base_url=self.server.url, _sleep=self.sleeps.append, max_retries=2)

    def tearDown(self) -> None:
        self.server.stop()

    def test_429_is_retried_after_the_retry_after_it_names_even_for_post(self) -> None:
        self.server.script = [
            error(429, "RATE_LIMITED", headers={"Retry-After": "2"}),
            error(429, "RATE_LIMITED", headers={"Retry-After": "1"}),
            Answer(201, RECORD),
        ]
        record = self.client.recordings.create(call_id="k1", url="https://x.test/1.mp3", duration=300)
        self.assertEqual(record.id, "c1")
        self.assertEqual(self.sleeps, [2.0, 1.0])
        self.assertEqual([r["method"] for r in self.server.received], ["POST"] * 3)

    def test_retry_after_is_really_waited(self) -> None:
        client = OnCallClient(api_key="ock_test", base_url=self.server.url)
        self.server.script = [error(429, "RATE_LIMITED", headers={"Retry-After": "1"}), Answer(200, RECORD)]
        client.calls.get("c1")
        first, second = self.server.received
        self.assertGreaterEqual(second["at"] - first["at"], 1.0)

    def test_retry_after_as_an_http_date(self) -> None:
        at = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
        self.server.script = [error(503, "SERVICE_UNAVAILABLE", headers={"Retry-After": at}), Answer(200, RECORD)]
        self.client.calls.get("c1")
        self.assertEqual(len(self.sleeps), 1)
        self.assertTrue(25 <= self.sleeps[0] <= 31, self.sleeps)

    def test_429_gives_up_after_max_retries_with_a_typed_error(self) -> None:
        limit = {"Retry-After": "3", "X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1700000000"}
        self.server.script = [error(429, "RATE_LIMITED", "slow down", headers=limit) for _ in range(3)]
        with self.assertRaises(RateLimitError) as caught:
            self.client.calls.list(region="england")
        err = caught.exception
        self.assertEqual((err.status, err.code, err.message, err.details), (429, "RATE_LIMITED", "slow down", {}))
        self.assertEqual(err.retry_after, 3.0)
        self.assertEqual(err.rate_limit, (1000, 0, 1700000000))
        self.assertEqual(len(self.server.received), 3)

    def test_a_retry_after_beyond_max_retry_wait_is_not_slept_through(self) -> None:
        self.server.script = [error(429, "RATE_LIMITED", headers={"Retry-After": "3600"})]
        with self.assertRaises(RateLimitError) as caught:
            self.client.calls.get("c1")
        self.assertEqual(caught.exception.retry_after, 3600.0)
        self.assertEqual(self.sleeps, [])

    def test_503_is_retried_for_get_with_backoff_when_no_retry_after(self) -> None:
        self.server.script = [error(503, "SERVICE_UNAVAILABLE"), error(503, "SERVICE_UNAVAILABLE"), Answer(200, RECORD)]
        self.assertEqual(self.client.calls.get("c1").status, "pending")
        self.assertEqual(len(self.sleeps), 2)
        self.assertTrue(0 <= self.sleeps[0] <= 0.5 and 0 <= self.sleeps[1] <= 1.0, self.sleeps)

    def test_503_is_not_retried_for_post_or_patch(self) -> None:
        for call in (lambda: self.client.calls.create(phone_number="+447700900000"), lambda: self.client.calls.update("c1", status="active")):
            self.server.received.clear()
            self.server.script = [error(503, "SERVICE_UNAVAILABLE", headers={"Retry-After": "1"}), Answer(200, RECORD)]
            with self.assertRaises(ServiceUnavailableError) as caught:
                call()
            self.assertIsInstance(caught.exception, ServerError)
            self.assertEqual(caught.exception.retry_after, 1.0)
            self.assertEqual(len(self.server.received), 1)
        self.assertEqual(self.sleeps, [])

    def test_a_dropped_connection_is_retried_for_get_only(self) -> None:
        self.server.script = [DROP, Answer(200, RECORD)]
        self.assertEqual(self.client.schedules.get("c1").id, "c1")
        self.assertEqual(len(self.server.received), 2)
        self.server.received.clear()
        self.server.script = [DROP, Answer(201, RECORD)]
        with self.assertRaises(OnCallNetworkError):
            self.client.schedules.create(staff_id="s1")
        self.assertEqual(len(self.server.received), 1)

    def test_no_answer_within_the_timeout_raises_a_timeout_error(self) -> None:
        client = OnCallClient(api_key="ock_test", base_url=self.server.url, timeout=0.5, max_retries=0)
        self.server.script = [HANG]
        with self.assertRaises(OnCallTimeoutError) as caught:
            client.calls.get("c1")
        self.assertIsInstance(caught.exception, OnCallNetworkError)

    def test_typed_errors_carry_code_message_details_status_and_request_id(self) -> None:
        cases = [
            (400, "BAD_REQUEST", BadRequestError),
            (404, "NOT_FOUND", NotFoundError),
            (422, "VALIDATION_FAILED", ValidationError),
        ]
        for status, code, cls in cases:
            self.server.script = [error(status, code, "why", {"phoneNumber": "bad"}, {"X-Request-Id": "req-%d" % status})]
            with self.assertRaises(cls) as caught:
                self.client.calls.create(phone_number="nope")
            err = caught.exception
            self.assertIsInstance(err, OnCallApiError)
            self.assertEqual((err.status, err.code, err.message), (status, code, "why"))
            self.assertEqual(err.details, {"phoneNumber": "bad"})
            self.assertEqual(err.request_id, "req-%d" % status)
            self.assertIn(code, str(err))
        self.assertEqual(self.sleeps, [])

    def test_a_non_json_error_page_still_becomes_an_api_error(self) -> None:
        self.server.script = [Answer(502, raw=b"<html>Bad Gateway</html>", headers={"content-type": "text/html"})]
        with self.assertRaises(ServerError) as caught:
            self.client.calls.create(phone_number="+447700900000")
        self.assertEqual((caught.exception.status, caught.exception.code), (502, "HTTP_502"))
        self.assertIn("Bad Gateway", caught.exception.message)

    def test_redirects_are_not_followed(self) -> None:
        self.server.script = [Answer(301, raw=b"", headers={"Location": self.server.url + "/elsewhere"})]
        with self.assertRaises(OnCallApiError) as caught:
            self.client.calls.create(phone_number="+447700900000")
        self.assertEqual(caught.exception.status, 301)
        self.assertEqual(len(self.server.received), 1)

    def test_the_request_carries_the_key_json_and_camel_case_names(self) -> None:
        self.server.script = [Answer(201, RECORD), Answer(200, {"items": [], "page": 1, "limit": 5, "nextCursor": None})]
        self.client.compliance.create(call_id="k1", regulatory_body="CQC", check_type="recording_retention", details={"retention_period": "7 years"})
        self.client.compliance.list(regulatory_body="CQC", check_type="x", include_total=True, limit=5)
        post, get = self.server.received
        self.assertEqual(post["headers"]["X-Api-Key"], "ock_test")
        self.assertEqual(post["headers"]["Content-Type"], "application/json")
        import json

        self.assertEqual(
            json.loads(post["body"]),
            {"callId": "k1", "regulatoryBody": "CQC", "checkType": "recording_retention", "details": {"retention_period": "7 years"}},
        )
        path, _, query = get["path"].partition("?")
        self.assertEqual(path, "/v1/oncall/compliance")
        self.assertEqual(
            sorted(urllib.parse.parse_qsl(query)),
            [("checkType", "x"), ("includeTotal", "true"), ("limit", "5"), ("regulatoryBody", "CQC")],
        )

    def test_seed_000_filters_are_keywords_sent_under_the_api_names(self) -> None:
        client = OnCallClient(api_key="ock_test", base_url=self.server.url, organization_id="o1")
        page = {"items": [], "page": 1, "limit": 50, "next_cursor": None}
        self.server.script = [Answer(200, page), Answer(200, page)]
        client.call_log.list(from_="2026-03-21T00:00:00Z", to="2026-03-22T00:00:00Z", patient_id="p1")
        list(client.tasks.iterate_mine(status="open"))
        calls, mine = self.server.received
        path, _, query = calls["path"].partition("?")
        self.assertEqual(path, "/api/v1/organizations/o1/calls")
        self.assertEqual(sorted(urllib.parse.parse_qsl(query)), [("from", "2026-03-21T00:00:00Z"), ("patient_id", "p1"), ("to", "2026-03-22T00:00:00Z")])
        self.assertEqual(mine["path"], "/api/v1/users/me/tasks?status=open")
        with self.assertRaises(TypeError):  # a misspelt filter fails here, before any request
            client.tasks.list(assigne_id="u1")  # type: ignore[call-arg]
        self.assertEqual(len(self.server.received), 2)

    def test_only_the_arguments_given_are_sent_and_none_is_null(self) -> None:
        import json

        self.server.script = [Answer(200, RECORD), Answer(201, RECORD)]
        self.client.calls.update("c1", notes="called back", outcome=None)
        self.client.recordings.create({"futureField": 1}, call_id="k1", url="https://x.test/1.mp3", duration=5)
        update, create = self.server.received
        self.assertEqual(update["path"], "/v1/oncall/calls/c1")
        self.assertEqual(json.loads(update["body"]), {"notes": "called back", "outcome": None})
        self.assertEqual(json.loads(create["body"]), {"futureField": 1, "callId": "k1", "url": "https://x.test/1.mp3", "duration": 5})
        with self.assertRaises(TypeError):  # a misspelt field fails here, before any request
            self.client.recordings.create(callid="k1")  # type: ignore[call-arg]
        self.assertEqual(len(self.server.received), 2)

    def test_an_expired_token_is_refreshed_once_and_the_request_replayed(self) -> None:
        seen = []
        client = OnCallClient(
            access_token="old", refresh_token="r1", base_url=self.server.url, on_tokens=seen.append, _sleep=self.sleeps.append
        )
        pair = {"access_token": "new", "refresh_token": "r2", "token_type": "Bearer", "user": {"organization_id": "o1"}}
        self.server.script = [error(401, "TOKEN_EXPIRED"), Answer(200, pair), Answer(200, RECORD)]
        self.assertEqual(client.calls.get("c1").id, "c1")
        first, refresh, replay = self.server.received
        self.assertEqual(first["headers"]["Authorization"], "Bearer old")
        self.assertEqual((refresh["path"], refresh["headers"].get("Authorization")), ("/api/v1/auth/refresh", None))
        self.assertEqual(replay["headers"]["Authorization"], "Bearer new")
        self.assertEqual(client.tokens, {"access_token": "new", "refresh_token": "r2"})
        self.assertEqual([t["refresh_token"] for t in seen], ["r2"])

    def test_where_requests_go(self) -> None:
        import os
        from unittest import mock

        with mock.patch.dict(os.environ, {"ONCALL_BASE_URL": "", "ONCALL_API_KEY": ""}):
            self.assertEqual(OnCallClient(api_key="k", environment="production").base_url, "https://api.writecarenotes.com")
            self.assertEqual(OnCallClient(api_key="k").base_url, "https://api.writecarenotes.com")
            self.assertEqual(OnCallClient(api_key="k", environment="local").base_url, "http://127.0.0.1:8080")
            with self.assertRaises(ValueError):
                OnCallClient(api_key="k", environment="staging")
        with mock.patch.dict(os.environ, {"ONCALL_BASE_URL": self.server.url + "/", "ONCALL_API_KEY": "ock_from_env"}):
            client = OnCallClient(environment="production")
            self.assertEqual(client.base_url, self.server.url)
            self.assertEqual(OnCallClient(base_url="https://self.hosted/", environment="production").base_url, "https://self.hosted")
            self.server.script = [Answer(200, RECORD)]
            client.calls.get("c1")
            self.assertEqual(self.server.received[0]["headers"]["X-Api-Key"], "ock_from_env")

    def test_rate_limit_headers_are_exposed(self) -> None:
        headers = {"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "998", "X-RateLimit-Reset": "1700000060"}
        self.server.script = [Answer(200, RECORD, headers)]
        self.assertIsNone(self.client.rate_limit)
        self.client.calls.get("c1")
        self.assertEqual(self.client.rate_limit, (1000, 998, 1700000060))
        self.assertEqual(self.client.rate_limit.remaining, 998)


if __name__ == "__main__":
    unittest.main()
