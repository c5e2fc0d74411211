"""The SDK against the real API that test/sdk/python-sdk.test.ts starts (its address, an admin
API key and the organization arrive in ONCALL_TEST_* environment variables).

Each test tags what it creates with a fresh ``check_type``/title, so tests sharing one API do not
see each other's records."""
import datetime
import http.server
import os
import threading
import unittest
import uuid

from writecarenotes.oncall import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    OnCallClient,
    PermissionDeniedError,
    ValidationError,
    WebhookVerificationError,
    verify_webhook,
)

ENV = {}


def setUpModule() -> None:
    missing = [n for n in ("ONCALL_TEST_BASE_URL", "ONCALL_TEST_API_KEY", "ONCALL_TEST_ORG") if not os.environ.get(n)]
    if missing:
        raise RuntimeError("%s not set: run these through `npx vitest run test/sdk/python-sdk.test.ts`" % ", ".join(missing))
    ENV.update(url=os.environ["ONCALL_TEST_BASE_URL"], key=os.environ["ONCALL_TEST_API_KEY"], org=os.environ["ONCALL_TEST_ORG"])


def tag(prefix: str) -> str:
    return "%s_%s" % (prefix, uuid.uuid4().hex[:10])


class LiveTest(unittest.TestCase):
    def setUp(self) -> None:
        self.client = OnCallClient(api_key=ENV["key"], base_url=ENV["url"], organization_id=ENV["org"])
        self.call = self.client.calls.create(phone_number="+447700900123", region="england", priority="high")

    def comply(self, check_type: str, regulatory_body: str = "CQC", **extra):
        return self.client.compliance.create(
            call_id=self.call.id, region="england", regulatory_body=regulatory_body, check_type=check_type, **extra
        )

    # ---- seed 003 ----

    def test_snake_case_filters_really_filter(self) -> None:
        check = tag("filter")
        cqc = [self.comply(check).id for _ in range(2)]
        other = self.comply(check, "Care Inspectorate").id
        listed = self.client.compliance.list(regulatory_body="CQC", check_type=check)
        self.assertEqual(sorted(r.id for r in listed), sorted(cqc))
        self.assertTrue(all(r.regulatory_body == "CQC" and r.check_type == check for r in listed))
        other_listed = self.client.compliance.list(regulatory_body="Care Inspectorate", check_type=check)
        self.assertEqual([r.id for r in other_listed], [other])

    def test_a_misspelt_filter_is_refused_not_ignored(self) -> None:
        with self.assertRaises(TypeError):  # the SDK's own signature catches it first
            self.client.compliance.list(regulatory_bodyy="CQC")  # type: ignore[call-arg]
        with self.assertRaises(BadRequestError) as caught:  # and the API refuses it too
            self.client.compliance._list({"regulatory_bodyy": "CQC"})
        err = caught.exception
        self.assertEqual((err.status, err.code), (400, "BAD_REQUEST"))
        self.assertIn("regulatoryBodyy", str(err.details) + err.message)
        with self.assertRaises(BadRequestError):
            self.client.compliance.list(limit=500)

    def test_create_update_get_keep_the_seed_fields(self) -> None:
        self.assertEqual((self.call.phone_number, self.call.status, self.call.priority), ("+447700900123", "pending", "high"))
        record = self.comply(tag("cycle"), details={"retention_period": "7 years"})
        self.assertEqual(record.status, "pending")
        updated = self.client.compliance.update(record.id, status="compliant", details={"checked_by": "officer_1"})
        self.assertEqual(updated.status, "compliant")
        self.assertEqual(updated.details, {"retention_period": "7 years", "checked_by": "officer_1"})
        self.assertEqual(self.client.compliance.get(record.id), updated)

        recording = self.client.recordings.create(call_id=self.call.id, url="https://storage.example.com/r/2.mp3", duration=90)
        self.client.recordings.update(recording.id, status="completed", duration=120)
        found = self.client.recordings.list(call_id=self.call.id, min_duration=100, status="completed")
        self.assertEqual([r.id for r in found], [recording.id])
        self.assertEqual(len(self.client.recordings.list(call_id=self.call.id, max_duration=100)), 0)

        staff = self.client.users.list(role="agent")[0]
        start = datetime.datetime(2024, 3, 21, 9, 0, tzinfo=datetime.timezone.utc)
        shift = self.client.schedules.create(
            staff_id=staff.id, type="regular", start_time=start, end_time=start + datetime.timedelta(hours=8)
        )
        self.assertEqual((shift.staff_id, shift.status), (staff.id, "scheduled"))
        self.assertTrue(shift.start_time.startswith("2024-03-21T09:00:00"))
        self.assertEqual(self.client.schedules.update(shift.id, status="completed").status, "completed")
        self.assertIn(shift.id, [s.id for s in self.client.schedules.iterate(staff_id=staff.id, status="completed")])

        self.assertEqual(self.client.calls.update(self.call.id, status="active").status, "active")

    def test_pagination_walks_every_page(self) -> None:
        check = tag("pages")
        made = {self.comply(check).id for _ in range(5)}
        first = self.client.compliance.list(check_type=check, limit=2, include_total=True)
        self.assertEqual((len(first), first.total, first.has_more), (2, 5, True))
        self.assertIsNotNone(first.next_cursor)
        walked = [r.id for r in self.client.compliance.iterate(check_type=check, limit=2)]
        self.assertEqual(len(walked), 5)
        self.assertEqual(set(walked), made)

    def test_typed_errors_carry_the_seed_error_format(self) -> None:
        with self.assertRaises(NotFoundError) as caught:
            self.client.recordings.get(str(uuid.uuid4()))
        self.assertEqual((caught.exception.status, caught.exception.code), (404, "NOT_FOUND"))
        self.assertTrue(caught.exception.request_id)

        with self.assertRaises(ValidationError) as caught:
            self.client.calls.create(phone_number="not a phone", region="england")
        err = caught.exception
        self.assertEqual((err.status, err.code), (422, "VALIDATION_FAILED"))
        self.assertIn("phoneNumber", err.details)  # camelCase, the facade's own names

        with self.assertRaises(AuthenticationError) as caught:
            OnCallClient(api_key="ock_not_a_key", base_url=ENV["url"]).calls.list()
        self.assertEqual(caught.exception.status, 401)

    def test_rate_limit_headers_are_exposed(self) -> None:
        self.client.calls.get(self.call.id)
        limit = self.client.rate_limit
        self.assertIsNotNone(limit)
        self.assertGreater(limit.limit, 0)
        self.assertLess(limit.remaining, limit.limit)
        self.assertGreater(limit.reset, 1_600_000_000)

    # ---- seed 000 ----

    def test_organization_resources_with_an_api_key(self) -> None:
        title = tag("task")
        task = self.client.tasks.create(title=title, priority="high", call_id=None)
        self.assertEqual((task.title, task.status), (title, "open"))
        self.assertEqual(self.client.tasks.update(task.id, priority="low").priority, "low")
        self.assertEqual(self.client.tasks.get(task.id).id, task.id)
        self.assertIn(task.id, [t.id for t in self.client.tasks.iterate(priority="low", limit=1)])
        self.assertEqual(self.client.tasks.cancel(task.id).status, "cancelled")

        patient = self.client.patients.create(
            first_name="Ada", last_name=tag("Py"), phone_number="+447700900456", date_of_birth=datetime.date(1950, 5, 17)
        )
        self.assertEqual(patient.date_of_birth, "1950-05-17")
        self.assertEqual(self.client.patients.update(patient.id, notes="prefers mornings").notes, "prefers mornings")
        self.assertEqual(self.client.patients.get(patient.id).last_name, patient.last_name)

        # seed 000's call status workflow through the call log
        logged = self.client.call_log.create(direction="outbound", phone_number="+447700900456", patient_id=patient.id)
        self.assertEqual(self.client.call_log.update(logged.id, status="active").status, "active")
        done = self.client.call_log.update(logged.id, status="completed", notes="booked")
        self.assertEqual(done.status, "completed")
        self.assertIsNotNone(done.ended_at)
        with self.assertRaises(ConflictError) as caught:
            self.client.call_log.update(logged.id, status="active")
        self.assertEqual(caught.exception.status, 409)
        self.assertIn(logged.id, [c.id for c in self.client.call_log.iterate(patient_id=patient.id)])

        audit = self.client.audit.list(entity="task", entity_id=task.id)
        self.assertIn("create", [e.action for e in audit])
        self.assertTrue(any(k.name == "python sdk tests" for k in self.client.api_keys.iterate()))

    def test_an_api_key_alone_learns_its_organization(self) -> None:
        client = OnCallClient(api_key=ENV["key"], base_url=ENV["url"])
        self.assertGreaterEqual(len(client.calls.list()), 1)  # seed 003's routes need no organization
        me = client.auth.whoami()
        self.assertEqual((me.type, me.organization_id, me.role), ("api_key", ENV["org"], "admin"))
        self.assertEqual(client.organization_id, ENV["org"])
        self.assertIsInstance(client.tasks.list(status="open").items, list)
        with self.assertRaises(PermissionDeniedError):  # a key has no user
            client.users.me()

    def test_signing_in_with_a_password(self) -> None:
        client = OnCallClient(base_url=ENV["url"])
        tokens = client.auth.login("agent1@demo.test", "demo-password")
        self.assertEqual(tokens.user.organization_id, ENV["org"])
        self.assertEqual(client.users.me().email, "agent1@demo.test")
        self.assertIsInstance(client.tasks.mine().items, list)
        client.auth.logout()
        with self.assertRaises(AuthenticationError):
            OnCallClient(access_token=tokens.access_token, base_url=ENV["url"]).users.me()


class WebhookDeliveryTest(unittest.TestCase):
    """A real delivery, signed by the server, received by a real HTTP server here."""

    def setUp(self) -> None:
        # subscribing takes a signed-in admin (the API refuses API keys there)
        self.client = OnCallClient(base_url=ENV["url"])
        self.client.auth.login("admin@demo.test", "demo-password")
        self.received = []
        self.arrived = threading.Event()
        owner = self

        class Receiver(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                owner.received.append((self.headers, body))
                owner.arrived.set()
                self.send_response(204)
                self.end_headers()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()
        self.hook = self.client.webhooks.create(
            url="http://127.0.0.1:%d/hook" % self.httpd.server_address[1], events=["call.created"], description="python sdk test"
        )

    def tearDown(self) -> None:
        self.client.webhooks.delete(self.hook.id)
        self.httpd.shutdown()
        self.httpd.server_close()

    def test_verifies_a_delivery_signed_by_the_server(self) -> None:
        self.assertTrue(self.hook.secret.startswith("whsec_"))
        call = self.client.calls.create(phone_number="+447700900789", region="wales", priority="normal")
        # generous: the API delivers from its queue, on a machine shared with other tests
        self.assertTrue(self.arrived.wait(90), "no delivery within 90 s")
        headers, body = self.received[0]
        event = verify_webhook(self.hook.secret, headers, body)
        self.assertEqual(event.event, "call.created")
        self.assertEqual(event.data.id, call.id)
        self.assertEqual(event.data.attributes["phoneNumber"], "+447700900789")
        self.assertEqual(self.client.webhooks.verify(self.hook.secret, dict(headers.items()), body.decode()), event)
        self.assertEqual(self.client.webhooks.enable(self.hook.id).id, self.hook.id)  # active already: unchanged
        delivered = self.client.webhooks.deliveries(self.hook.id)
        self.assertEqual(delivered[0].id, headers["webhook-id"])

        with self.assertRaises(WebhookVerificationError):
            verify_webhook(self.hook.secret, headers, body.replace(b"wales", b"england"))
        with self.assertRaises(WebhookVerificationError):
            verify_webhook(self.hook.secret, headers, body, now=int(headers["webhook-timestamp"]) + 301)
        with self.assertRaises(WebhookVerificationError):
            other = self.client.webhooks.create(url="http://127.0.0.1:9/never", events=["call.updated"])
            try:
                verify_webhook(other.secret, headers, body)
            finally:
                self.client.webhooks.delete(other.id)


if __name__ == "__main__":
    unittest.main()
