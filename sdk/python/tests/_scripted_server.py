"""A real HTTP server on 127.0.0.1 that answers from a script, for the transport's tests:
each request takes the next scripted answer (a status with headers and a body, a dropped
connection, or a hang until the test ends). It records what arrived and when."""
import http.server
import json
import threading
import time
from typing import Any, Dict, List, Optional


class Answer:
    def __init__(self, status: int = 200, body: Any = None, headers: Optional[Dict[str, str]] = None, raw: Optional[bytes] = None):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.raw = raw


DROP = "drop"  # close the connection without answering
HANG = "hang"  # answer nothing until the server stops


class ScriptedServer:
    def __init__(self) -> None:
        self.script: List[Any] = []
        self.received: List[Dict[str, Any]] = []
        self.released = threading.Event()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                owner.received.append(
                    {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body, "at": time.monotonic()}
                )
                answer = owner.script.pop(0) if owner.script else Answer(200, {"ok": True})
                if answer == DROP:
                    self.close_connection = True
                    return
                if answer == HANG:
                    owner.released.wait(60)
                    self.close_connection = True
                    return
                payload = answer.raw if answer.raw is not None else json.dumps(answer.body).encode() if answer.body is not None else b""
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.raw is None and answer.body is not None:
                    self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def error(status: int, code: str, message: str = "nope", details: Optional[Dict[str, Any]] = None, headers: Optional[Dict[str, str]] = None) -> Answer:
    return Answer(status, {"error": {"code": code, "message": message, "details": details or {}}}, headers)
