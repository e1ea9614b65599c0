"""A stand-in for the procedure system's event receiver, for tests and the demo.

POST /events checks what a receiver built from docs/receiving-events.md checks, and keeps each
event once:

- the Standard Webhooks signature (webhook-id, webhook-timestamp, webhook-signature) against
  any of its secrets (`whsec_…`, or the environment's plain PROCEDURE_SYSTEM_SECRET), the
  timestamp within 5 minutes; otherwise 401 with a JSON error;
- the body: JSON whose "id" is the webhook-id and which has a "type" (the body's type is what
  counts: the signature covers it). A version-1 X-KNS-Event header, when sent, must say the
  same type; otherwise 400;
- de-duplication on webhook-id: the first request is recorded (201), a repeat is answered 200
  and not recorded again, so a retry after a lost answer does no harm.

With `legacy=True` it is a version-1 receiver instead: X-KNS-Signature and X-KNS-Timestamp,
de-duplication on Idempotency-Key, X-KNS-Event equal to the body's "event".

GET /events lists what was recorded, in the order it arrived.

From a test:

    simulator = ProcedureSimulator([secret, …]).start()   # port 0: any free port
    simulator.url              # where to send
    simulator.received         # [{"id", "type", "position", "body", "received_at", …}, …]
    simulator.fail_next(503, times=2, retry_after=60)      # an outage
    simulator.fail_next(410)   # "gone": the receiver wants no more events
    simulator.delay_next(3)    # answer after 3 s (the event is kept, as a slow receiver would)
    simulator.trickle_next(30) # send the answer's body a byte at a time over 30 s
    simulator.stop()           # start() again later: same port, same records

From the command line: `manage.py procedure_simulator --port 8765 --secret S --store FILE`.
"""

import hmac
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from toolkit.local_service import LocalService, Reply

from . import webhooks

MAX_SKEW_SECONDS = webhooks.TOLERANCE_SECONDS
ALWAYS = None  # `times` for a behaviour that lasts until `reset_behaviour()`


def signature(secret, timestamp, body):
    """The version-1 X-KNS-Signature."""
    return webhooks.legacy_signature(secret, timestamp, body)


class ProcedureSimulator(LocalService):
    name = "procedure-simulator"
    max_body_bytes = 1024 * 1024

    def __init__(
        self, secrets, host="127.0.0.1", port=0, store=None, log=None, keep_raw=True, legacy=False
    ):
        super().__init__(host, port)
        self.secrets = [secrets] if isinstance(secrets, str) else list(secrets)
        self.legacy = legacy
        self.store = Path(store) if store else None
        self.log = log or (lambda message: None)
        self.received = []
        self.keep_raw = keep_raw
        self.raw = []  # every POST as it came, {"headers": {…}, "body": b"…"}, if keep_raw
        self.requests = 0  # every POST that passed the checks, repeats included
        self.duplicates = 0
        self.rejected = 0
        self._behaviours = []  # [(what, argument, times left)], the first one applies next
        if self.store and self.store.exists():
            self.received = json.loads(self.store.read_text(encoding="utf-8"))

    @property
    def url(self):
        return f"http://{self.host}:{self.port}/events"

    @property
    def ids(self):
        return [event["id"] for event in self.received]

    @property
    def keys(self):
        return set(self.ids)

    @property
    def bodies(self):
        return [event["body"] for event in self.received]

    # How the next valid requests are answered (tests) -------------------------------------

    def fail_next(self, status=500, times=1, retry_after=None):
        """Answer the next `times` valid requests with `status` and keep nothing (an outage;
        410 is a receiver that wants no more events). `retry_after`: seconds, sent as
        Retry-After."""
        self._add("fail", (status, retry_after), times)

    def delay_next(self, seconds, times=1):
        """Keep the next events but answer only after `seconds` (a sender that gives up
        earlier retries, and its retry is answered 200 as a duplicate)."""
        self._add("delay", seconds, times)

    def trickle_next(self, seconds, times=1):
        """Keep the next events and answer 201 at once, but send the answer's body one byte at
        a time over `seconds` (each read is quick; the whole answer is not)."""
        self._add("trickle", seconds, times)

    def reset_behaviour(self):
        with self.lock:
            self._behaviours.clear()

    def _add(self, what, argument, times):
        with self.lock:
            self._behaviours.append([what, argument, times])

    def _next_behaviour(self):
        """Called under the lock: the behaviour for this request, used up by one."""
        if not self._behaviours:
            return None, None
        behaviour = self._behaviours[0]
        if behaviour[2] is not ALWAYS:
            behaviour[2] -= 1
            if behaviour[2] <= 0:
                self._behaviours.pop(0)
        return behaviour[0], behaviour[1]

    # What the handler calls ----------------------------------------------------------------

    def verify(self, headers, body):
        """An error message, or None when the request is authentic and fresh."""
        if self.legacy:
            return self._verify_legacy(headers, body)
        try:
            webhooks.verify(self.secrets, dict(headers.items()), body)
        except webhooks.WebhookVerificationError as error:
            return str(error)
        return None

    def _verify_legacy(self, headers, body):
        timestamp = headers.get("X-KNS-Timestamp", "")
        given = headers.get("X-KNS-Signature", "")
        if not timestamp.isdigit():
            return "missing or malformed X-KNS-Timestamp"
        if abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
            return "X-KNS-Timestamp is more than 5 minutes away from the receiver's clock"
        if not any(
            hmac.compare_digest(given, signature(secret, timestamp, body))
            for secret in self.secrets
        ):
            return "bad X-KNS-Signature"
        return None

    def check_body(self, headers, body):
        """(key, type, None) for a body that says what its headers say, else (…, error)."""
        if self.legacy:
            key, kind = headers.get("Idempotency-Key", "").strip(), body.get("event", "")
            if not key:
                return key, kind, "Idempotency-Key required"
        else:
            key, kind = headers.get("webhook-id", ""), body.get("type", "")
            if body.get("id") != key:
                return key, kind, "the body's id is not the webhook-id"
        if not kind:
            return key, kind, "the body has no type"
        legacy_kind = headers.get("X-KNS-Event")
        if legacy_kind is not None and legacy_kind != kind:
            return key, kind, "X-KNS-Event does not match the body"
        if "event" in body and "type" in body and body["event"] != body["type"]:
            return key, kind, "the body's event and type differ"
        return key, kind, None

    def accept(self, key, kind, body):
        """Record an event once per key; returns (HTTP status, answer, behaviour)."""
        with self.lock:
            self.requests += 1
            what, argument = self._next_behaviour()
            if what == "fail":
                status, retry_after = argument
                return status, {"error": "simulated failure"}, ("fail", retry_after)
            if key in self.keys:
                self.duplicates += 1
                return 200, {"status": "duplicate", "key": key}, (what, argument)
            self.received.append(
                {
                    "id": key,
                    "type": kind,
                    "position": body.get("position"),
                    "body": body,
                    "received_at": datetime.now(UTC).isoformat(),
                    # The names of version 1, which older tests read.
                    "key": key,
                    "kind": kind,
                    "payload": body,
                }
            )
            if self.store:
                self._save()
        self.log(f"{kind} {key} {_subject(body)}")
        return 201, {"status": "recorded", "key": key}, (what, argument)

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
                self.raw.append({"headers": dict(headers.items()), "body": body})
        error = self.verify(headers, body)
        if error:
            with self.lock:
                self.rejected += 1
            self.log(f"rejected: {error}")
            return self.error(401, error)
        content_type = headers.get("Content-Type", "").split(";")[0].strip()
        if content_type != "application/json":
            return self.error(415, "Content-Type must be application/json")
        try:
            parsed = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self.error(400, "body is not UTF-8 JSON")
        if not isinstance(parsed, dict):
            return self.error(400, "body is not a JSON object")
        key, kind, error = self.check_body(headers, parsed)
        if error:
            with self.lock:
                self.rejected += 1
            self.log(f"rejected: {error}")
            return self.error(400, error)
        status, answer, (what, argument) = self.accept(key, kind, parsed)
        reply = _json(status, answer)
        if what == "fail" and argument is not None:
            return SimulatorReply(*_fields(reply), headers={"Retry-After": str(argument)})
        if what == "delay":
            time.sleep(argument)
        if what == "trickle":
            return SimulatorReply(*_fields(reply), trickle_seconds=argument)
        return reply

    def _handler_class(self):
        """The service's handler, sending a SimulatorReply's extra headers and trickling."""
        base = super()._handler_class()

        class Handler(base):
            def send(self, reply):
                if not isinstance(reply, SimulatorReply):
                    return super().send(reply)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if not reply.trickle_seconds:
                    self.wfile.write(reply.body)
                    return None
                pause = reply.trickle_seconds / max(len(reply.body), 1)
                try:
                    for index in range(len(reply.body)):
                        self.wfile.write(reply.body[index : index + 1])
                        self.wfile.flush()
                        time.sleep(pause)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting, as it should
                return None

        return Handler


@dataclass(frozen=True)
class SimulatorReply(Reply):
    """A Reply with extra headers (Retry-After) or a body sent slowly."""

    headers: dict = field(default_factory=dict)
    trickle_seconds: float = 0


def _fields(reply):
    return reply.status, reply.body, reply.content_type


def _subject(body):
    data = body.get("data") or body
    if "certificate" in data:
        return data["certificate"].get("code", "")
    return f"officer {data.get('officer', {}).get('id', '')}"


def _json(status, data):
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Reply(status, body, "application/json; charset=utf-8")
