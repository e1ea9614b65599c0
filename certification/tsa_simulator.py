"""A local RFC 3161 time-stamping authority, for tests and the demo.

POST / with a DER TimeStampReq (Content-Type application/timestamp-query) answers a DER
TimeStampResp (application/timestamp-reply), signed by a time-stamping certificate of its own
demo CA (demo_ca.create_tsa). pyHanko's DummyTimeStamper builds the tokens; this module only
puts it behind HTTP, like a real TSA the platform reaches with CERTIFICATE_TSA_URL.

From a test:

    tsa = TimeStampSimulator(directory).start()   # port 0: any free port
    settings.CERTIFICATE_TSA_URL, settings.CERTIFICATE_TSA_CHAIN = tsa.url, str(tsa.root)
    …
    tsa.issued                                     # how many time stamps it granted
    tsa.stop()

From the command line: `manage.py tsa_simulator --port 18140 --directory DIR`.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import keys, pem, tsp, x509
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import demo_ca

MAX_BODY_BYTES = 64 * 1024


def _pem(path):
    _type, _headers, der = pem.unarmor(Path(path).read_bytes())
    return der


class TimeStampSimulator:
    def __init__(self, directory, host="127.0.0.1", port=0):
        self.cert, self.key, self.root = demo_ca.create_tsa(directory)
        tsa_cert = x509.Certificate.load(_pem(self.cert))
        root = x509.Certificate.load(_pem(self.root))
        self.stamper = DummyTimeStamper(
            tsa_cert=tsa_cert,
            tsa_key=keys.PrivateKeyInfo.load(_pem(self.key)),
            certs_to_embed=SimpleCertificateStore.from_certs([root]),
        )
        self.host, self.port = host, port
        self.lock = threading.Lock()
        self.issued = 0
        self.refused = 0
        self._server = self._thread = None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}/"

    def bind(self):
        """Listen (port 0: any free port); start() or serve in the caller's thread."""
        self._server = ThreadingHTTPServer((self.host, self.port), self._handler_class())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]

    def start(self):
        self.bind()
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="tsa-simulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self):
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

    def answer(self, body):
        """The DER TimeStampResp for a DER request; ValueError when it is not one."""
        request = tsp.TimeStampReq.load(body)
        _ = request.native  # parses it all: a malformed request fails here, not half-way
        response = self.stamper.request_tsa_response(request)
        with self.lock:
            self.issued += 1
        return response.dump()

    def _handler_class(self):
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "TimeStampSimulator/1"

            def log_message(self, format, *args):
                pass

            def reply(self, status, body, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                try:
                    length = int(self.headers.get("Content-Length", ""))
                except ValueError:
                    return self.reply(411, b"Content-Length required", "text/plain")
                if length > MAX_BODY_BYTES:
                    return self.reply(413, b"request too large", "text/plain")
                body = self.rfile.read(length)
                content_type = self.headers.get("Content-Type", "").split(";")[0].strip()
                if content_type != "application/timestamp-query":
                    return self.reply(
                        415, b"Content-Type must be application/timestamp-query", "text/plain"
                    )
                try:
                    answer = simulator.answer(body)
                except ValueError:
                    with simulator.lock:
                        simulator.refused += 1
                    return self.reply(400, b"not a TimeStampReq", "text/plain")
                return self.reply(200, answer, "application/timestamp-reply")

        return Handler
