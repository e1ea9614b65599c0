#!/usr/bin/env python3
"""A small receiver for Kỹ năng số events, with nothing but the Python standard library.

    python3 receiver.py --secret whsec_… [--secret whsec_… (the other one, while rotating)]
                        [--port 8080] [--db events.sqlite3]
                        [--feed https://<platform>/api/v1 --token kns_… (catch up from the feed)]

What it shows (docs/receiving-events.md explains why):
- verify every request's Standard Webhooks signature before reading it (`verify`);
- keep each event once, keyed by its webhook-id, in a SQLite inbox, and answer 200 at once;
  the work happens afterwards, from the inbox (`process_pending`);
- apply an event only if it is newer than what was applied for its certificate or officer;
- catch up from the pull feed after an outage (`catch_up`), keeping the last position read.

Copy it, and replace `apply` with what your system does with an event.
"""

import argparse
import base64
import hashlib
import hmac
import json
import sqlite3
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60
MAX_BODY_BYTES = 1024 * 1024


def key_of(secret):
    """A whsec_ secret's key is its base64-decoded bytes; a plain secret's, its UTF-8 bytes."""
    if secret.startswith("whsec_"):
        encoded = secret[len("whsec_") :]
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4))
    return secret.encode("utf-8")


def verify(secrets, headers, body, now=None):
    """True when one of the request's v1 signatures is the HMAC-SHA256 of
    "<webhook-id>.<webhook-timestamp>.<body>" with one of our secrets, sent < 5 min ago."""
    msg_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not (msg_id and timestamp.isdigit() and signatures):
        return False
    if abs((now or time.time()) - int(timestamp)) > TOLERANCE_SECONDS:
        return False  # an old request replayed (or a clock far off)
    signed = f"{msg_id}.{timestamp}.".encode() + body  # the raw body, exactly as received
    for secret in secrets:
        digest = hmac.new(key_of(secret), signed, hashlib.sha256).digest()
        expected = base64.b64encode(digest).decode()
        for offered in signatures.split(" "):
            scheme, _, value = offered.partition(",")
            if scheme == "v1" and hmac.compare_digest(value, expected):
                return True
    return False


class Inbox:
    """Events kept once each (by id), and how far the feed has been read."""

    def __init__(self, path):
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.lock = threading.Lock()
        self.db.executescript(
            """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS events (
                id TEXT PRIMARY KEY, position INTEGER, type TEXT, subject TEXT, body TEXT,
                received_at REAL, processed_at REAL);
            CREATE TABLE IF NOT EXISTS applied (subject TEXT PRIMARY KEY, position INTEGER);
            CREATE TABLE IF NOT EXISTS feed (name TEXT PRIMARY KEY, after INTEGER);
            """
        )

    def add(self, event):
        """Keep an event; False when it was already there (a retry, or read from the feed)."""
        with self.lock:
            return self._insert(event)

    def add_page(self, events, next_after):
        """A page of the feed and the position to resume from, together (a crash in between
        would read the page again, which the ids make harmless)."""
        with self.lock:
            self.db.execute("BEGIN")
            for event in events:
                self._insert(event)
            self.db.execute("INSERT OR REPLACE INTO feed VALUES ('events', ?)", (next_after,))
            self.db.execute("COMMIT")

    def feed_after(self):
        with self.lock:
            row = self.db.execute("SELECT after FROM feed WHERE name = 'events'").fetchone()
        return row[0] if row else 0

    def _insert(self, event):
        row = (event["id"], event["position"], event["type"], subject_of(event), json.dumps(event))
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?, ?, NULL)", (*row, time.time())
        )
        return cursor.rowcount == 1


def subject_of(event):
    """The certificate or officer an event is about: events of one subject come in order."""
    data = event["data"]
    if event["type"].startswith("certificate."):
        return "certificate:" + data["certificate"]["code"]
    return f"officer:{data['officer']['id']}"


def apply(event):
    """Your system's work for one event (here: print it)."""
    print(event["position"], event["type"], subject_of(event), flush=True)


def process_pending(inbox, apply=apply):
    """Apply what the inbox has not applied yet. An event older than one already applied for
    the same subject (it came late, from the feed or a resend) is only marked done."""
    with inbox.lock:
        pending = inbox.db.execute(
            "SELECT id, position, subject, body FROM events WHERE processed_at IS NULL"
            " ORDER BY position"
        ).fetchall()
    for event_id, position, subject, body in pending:
        with inbox.lock:
            row = inbox.db.execute(
                "SELECT position FROM applied WHERE subject = ?", (subject,)
            ).fetchone()
        if row is None or row[0] < position:
            apply(json.loads(body))
            with inbox.lock:
                inbox.db.execute(
                    "INSERT OR REPLACE INTO applied VALUES (?, ?)", (subject, position)
                )
        with inbox.lock:
            inbox.db.execute(
                "UPDATE events SET processed_at = ? WHERE id = ?", (time.time(), event_id)
            )


def catch_up(inbox, feed_url, token, limit=100):
    """Read the feed from the last position read until it has nothing newer."""
    if not feed_url.startswith(("https://", "http://")):
        raise ValueError("the feed's URL must be http(s)")
    after = inbox.feed_after()
    while True:
        query = urllib.parse.urlencode({"after": after, "limit": limit})
        request = urllib.request.Request(  # noqa: S310 (the https URL you configured)
            f"{feed_url.rstrip('/')}/events?{query}",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310  # nosec B310
            page = json.load(answer)
        inbox.add_page(page["items"], page["next_after"])
        if page["next_after"] == after:
            return after
        after = page["next_after"]


def make_server(secrets, inbox, host="127.0.0.1", port=8080):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = self.headers.get("Content-Length", "")
            length = int(length) if length.isdigit() else -1
            if not 0 <= length <= MAX_BODY_BYTES:
                return self.answer(413, {"error": "missing or too large a body"})
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            if not verify(secrets, headers, body):
                return self.answer(401, {"error": "bad signature"})
            try:
                event = json.loads(body)
            except ValueError:
                return self.answer(400, {"error": "not JSON"})
            if event.get("id") != headers["webhook-id"]:
                return self.answer(400, {"error": "the body's id is not the webhook-id"})
            stored = inbox.add(event)
            # 2xx for a duplicate too: the sender must stop retrying it.
            self.answer(200, {"status": "stored" if stored else "duplicate"})

        def answer(self, status, data):
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    return ThreadingHTTPServer((host, port), Handler)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secret", action="append", required=True, dest="secrets")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--db", default="events.sqlite3")
    parser.add_argument("--feed", help="the platform's API, https://…/api/v1")
    parser.add_argument("--token", help="your API token, for --feed")
    options = parser.parse_args()
    inbox = Inbox(options.db)
    server = make_server(options.secrets, inbox, options.host, options.port)
    print(f"Receiving at http://{options.host}:{server.server_address[1]}/", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    last_catch_up = 0
    while True:
        if options.feed and time.time() - last_catch_up > 300:
            try:
                catch_up(inbox, options.feed, options.token)
            except OSError as error:
                print(f"catch-up failed, will try again: {error}", flush=True)
            last_catch_up = time.time()
        process_pending(inbox)
        time.sleep(1)


if __name__ == "__main__":
    main()
