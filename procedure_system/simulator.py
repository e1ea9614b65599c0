"""A stand-in for the procedure system's event receiver, for tests and the demo.

POST /events checks what a real receiver must check, and keeps each event once:

- the signature: X-KNS-Signature = "sha256=" + hex HMAC-SHA256(secret, "<timestamp>." + body),
  and X-KNS-Timestamp within 5 minutes of the receiver's clock; otherwise 401 with a JSON
  error (a replayed or forged request is refused);
- an Idempotency-Key: the first request with a key is recorded (201), a repeat is answered
  200 and not recorded again, so a retry after a lost answer does no harm.

GET /events lists what was recorded, oldest first.

From a test:

    simulator = ProcedureSimulator(secret="…").start()   # port 0: any free port
    settings.PROCEDURE_SYSTEM_EVENTS_URL = simulator.url
    …
    simulator.received        # [{"key", "kind", "payload", "received_at"}, …]
    simulator.stop()           # start() again later: same port, same records

From the command line: `manage.py procedure_simulator --port 8765 --secret S --store FILE`.
"""

import hashlib
import hmac
import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MAX_SKEW_SECONDS = 300
MAX_BODY_BYTES = 1024 * 1024


def signature(secret, timestamp, body):
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


class ProcedureSimulator:
    def __init__(self, secret, host="127.0.0.1", port=0, store=None, log=None, keep_raw=True):
        self.secret = secret
        self.host = host
        self.port = port
        self.store = Path(store) if store else None
        self.log = log or (lambda message: None)
        self.lock = threading.Lock()
        self.received = []
        self.keep_raw = keep_raw
        self.raw = []  # every POST as it came, {"headers": {…}, "body": b"…"}, if keep_raw
        self.requests = 0  # every POST that passed the checks, repeats included
        self.duplicates = 0
        self.rejected = 0
        self._failures = []  # statuses to answer with before accepting again (tests)
        self._server = None
        self._thread = None
        if self.store and self.store.exists():
            self.received = json.loads(self.store.read_text(encoding="utf-8"))

    @property
    def url(self):
        return f"http://{self.host}:{self.port}/events"

    @property
    def keys(self):
        return {event["key"] for event in self.received}

    def fail_next(self, status=500, times=1):
        """Answer the next `times` valid requests with `status` (an outage, for tests)."""
        with self.lock:
            self._failures.extend([status] * times)

    def start(self):
        self._server = ThreadingHTTPServer((self.host, self.port), self._handler_class())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="procedure-simulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self):
        """Run in the calling thread until interrupted (the management command)."""
        self._server = ThreadingHTTPServer((self.host, self.port), self._handler_class())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()
            self._server = None

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # What the handler calls ----------------------------------------------------------------

    def verify(self, headers, body):
        """An error message, or None when the request is authentic and fresh."""
        timestamp = headers.get("X-KNS-Timestamp", "")
        given = headers.get("X-KNS-Signature", "")
        if not timestamp.isdigit():
            return "missing or malformed X-KNS-Timestamp"
        if abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
            return "X-KNS-Timestamp is more than 5 minutes away from the receiver's clock"
        if not hmac.compare_digest(given, signature(self.secret, timestamp, body)):
            return "bad X-KNS-Signature"
        return None

    def accept(self, key, kind, payload):
        """Record an event once per key; returns (HTTP status, answer)."""
        with self.lock:
            self.requests += 1
            if self._failures:
                status = self._failures.pop(0)
                return status, {"error": "simulated failure"}
            if key in self.keys:
                self.duplicates += 1
                return 200, {"status": "duplicate", "key": key}
            self.received.append(
                {
                    "key": key,
                    "kind": kind,
                    "payload": payload,
                    "received_at": datetime.now(UTC).isoformat(),
                }
            )
            if self.store:
                self._save()
        self.log(f"{kind} {key} {payload.get('certificate', {}).get('code', '')}")
        return 201, {"status": "recorded", "key": key}

    def _save(self):
        temporary = self.store.with_suffix(self.store.suffix + ".tmp")
        temporary.write_text(json.dumps(self.received, ensure_ascii=False, indent=1), "utf-8")
        temporary.replace(self.store)

    def _handler_class(self):
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "ProcedureSimulator/1"

            def log_message(self, format, *args):
                pass

            def answer(self, status, data):
                body = json.dumps(data, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path.split("?")[0] != "/events":
                    return self.answer(404, {"error": "not found"})
                with simulator.lock:
                    events = list(simulator.received)
                return self.answer(200, {"count": len(events), "events": events})

            def do_POST(self):
                if self.path.split("?")[0] != "/events":
                    return self.answer(404, {"error": "not found"})
                try:
                    length = int(self.headers.get("Content-Length", ""))
                except ValueError:
                    return self.answer(411, {"error": "Content-Length required"})
                if length > MAX_BODY_BYTES:
                    return self.answer(413, {"error": "body too large"})
                body = self.rfile.read(length)
                if simulator.keep_raw:
                    with simulator.lock:
                        simulator.raw.append({"headers": dict(self.headers), "body": body})
                error = simulator.verify(self.headers, body)
                if error:
                    with simulator.lock:
                        simulator.rejected += 1
                    simulator.log(f"rejected: {error}")
                    return self.answer(401, {"error": error})
                content_type = self.headers.get("Content-Type", "").split(";")[0].strip()
                if content_type != "application/json":
                    return self.answer(415, {"error": "Content-Type must be application/json"})
                key = self.headers.get("Idempotency-Key", "").strip()
                if not key:
                    return self.answer(400, {"error": "Idempotency-Key required"})
                try:
                    payload = json.loads(body.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    return self.answer(400, {"error": "body is not UTF-8 JSON"})
                kind = self.headers.get("X-KNS-Event", "")
                if not isinstance(payload, dict) or payload.get("event") != kind:
                    return self.answer(400, {"error": "X-KNS-Event does not match the body"})
                return self.answer(*simulator.accept(key, kind, payload))

        return Handler
