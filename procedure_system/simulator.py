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
import time
from datetime import UTC, datetime
from pathlib import Path

from toolkit.local_service import LocalService, Reply

MAX_SKEW_SECONDS = 300


def signature(secret, timestamp, body):
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


class ProcedureSimulator(LocalService):
    name = "procedure-simulator"
    max_body_bytes = 1024 * 1024

    def __init__(self, secret, host="127.0.0.1", port=0, store=None, log=None, keep_raw=True):
        super().__init__(host, port)
        self.secret = secret
        self.store = Path(store) if store else None
        self.log = log or (lambda message: None)
        self.received = []
        self.keep_raw = keep_raw
        self.raw = []  # every POST as it came, {"headers": {…}, "body": b"…"}, if keep_raw
        self.requests = 0  # every POST that passed the checks, repeats included
        self.duplicates = 0
        self.rejected = 0
        self._failures = []  # statuses to answer with before accepting again (tests)
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

    def error(self, status, message):
        return _json(status, {"error": message})

    def handle(self, request):
        if request.path != "/events":
            return self.error(404, "not found")
        if request.method == "GET":
            with self.lock:
                events = list(self.received)
            return _json(200, {"count": len(events), "events": events})
        if request.method != "POST":
            return self.error(405, "GET or POST /events")
        headers, body = request.headers, request.body
        if self.keep_raw:
            with self.lock:
                self.raw.append({"headers": dict(headers), "body": body})
        error = self.verify(headers, body)
        if error:
            with self.lock:
                self.rejected += 1
            self.log(f"rejected: {error}")
            return self.error(401, error)
        content_type = headers.get("Content-Type", "").split(";")[0].strip()
        if content_type != "application/json":
            return self.error(415, "Content-Type must be application/json")
        key = headers.get("Idempotency-Key", "").strip()
        if not key:
            return self.error(400, "Idempotency-Key required")
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self.error(400, "body is not UTF-8 JSON")
        kind = headers.get("X-KNS-Event", "")
        if not isinstance(payload, dict) or payload.get("event") != kind:
            return self.error(400, "X-KNS-Event does not match the body")
        return _json(*self.accept(key, kind, payload))


def _json(status, data):
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Reply(status, body, "application/json; charset=utf-8")
