"""A small HTTP service on this machine that stands in for another party: for tests and the demo.

The platform talks to services it does not run (the procedure system's receiver, a
time-stamping authority, and later message gateways and identity providers). Tests use the
real protocol against a local stand-in rather than a mock; each stand-in says only how it
answers a request (`handle`), and this module runs it:

    service = SomeService(…).start()    # port 0: any free port, in a background thread
    service.url                         # where the platform should send its requests
    service.stop()                      # start() again later: the same port

or, from a management command, `service.serve_forever()` in the caller's thread. A service is
also a context manager (`with SomeService(…) as service:`).
"""

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # without the query string
    headers: object  # the request's email.message.Message: .get() is case-insensitive
    body: bytes


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str


class LocalService:
    """Subclasses set `name` and `max_body_bytes`, and write `handle` (and `error`)."""

    name = "local-service"
    max_body_bytes = 1024 * 1024

    def __init__(self, host="127.0.0.1", port=0):
        self.host, self.port = host, port
        self.lock = threading.Lock()  # for the subclass's counters and records
        self._server = self._thread = None

    def handle(self, request):
        """The Reply to a Request whose body was read within `max_body_bytes`."""
        raise NotImplementedError

    def error(self, status, message):
        """The Reply for a request refused before `handle` (no length, too large)."""
        return Reply(status, message.encode("utf-8"), "text/plain; charset=utf-8")

    # Running ---------------------------------------------------------------------------

    def bind(self):
        """Listen (port 0: any free one) so that `port` and `url` are known before serving."""
        self._server = ThreadingHTTPServer((self.host, self.port), self._handler_class())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]

    def start(self):
        self.bind()
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=self.name, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self):
        """Run in the calling thread until interrupted (a management command)."""
        if self._server is None:
            self.bind()
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()
            self._server = None

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _handler_class(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            server_version = f"{type(service).__name__}/1"

            def log_message(self, format, *args):
                pass  # the service logs what matters itself

            def send(self, reply):
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def respond(self, body):
                path = self.path.split("?")[0]
                self.send(service.handle(Request(self.command, path, self.headers, body)))

            def do_GET(self):
                self.respond(b"")

            def do_POST(self):
                try:
                    length = int(self.headers.get("Content-Length", ""))
                except ValueError:
                    length = -1
                if length < 0:
                    return self.send(service.error(411, "Content-Length required"))
                if length > service.max_body_bytes:
                    return self.send(service.error(413, "request too large"))
                self.respond(self.rfile.read(length))

        return Handler
