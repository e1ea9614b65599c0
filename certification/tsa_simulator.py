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

from pathlib import Path

from asn1crypto import keys, pem, tsp, x509
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from toolkit.local_service import LocalService, Reply

from . import demo_ca


def _pem(path):
    _type, _headers, der = pem.unarmor(Path(path).read_bytes())
    return der


class TimeStampSimulator(LocalService):
    name = "tsa-simulator"
    max_body_bytes = 64 * 1024

    def __init__(self, directory, host="127.0.0.1", port=0):
        super().__init__(host, port)
        self.cert, self.key, self.root = demo_ca.create_tsa(directory)
        tsa_cert = x509.Certificate.load(_pem(self.cert))
        root = x509.Certificate.load(_pem(self.root))
        self.stamper = DummyTimeStamper(
            tsa_cert=tsa_cert,
            tsa_key=keys.PrivateKeyInfo.load(_pem(self.key)),
            certs_to_embed=SimpleCertificateStore.from_certs([root]),
        )
        self.issued = 0
        self.refused = 0

    @property
    def url(self):
        return f"http://{self.host}:{self.port}/"

    def answer(self, body):
        """The DER TimeStampResp for a DER request; ValueError when it is not one."""
        request = tsp.TimeStampReq.load(body)
        _ = request.native  # parses it all: a malformed request fails here, not half-way
        response = self.stamper.request_tsa_response(request)
        with self.lock:
            self.issued += 1
        return response.dump()

    def handle(self, request):
        if request.method != "POST":
            return self.error(405, "POST a TimeStampReq")
        content_type = request.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type != "application/timestamp-query":
            return self.error(415, "Content-Type must be application/timestamp-query")
        try:
            answer = self.answer(request.body)
        except ValueError:
            with self.lock:
                self.refused += 1
            return self.error(400, "not a TimeStampReq")
        return Reply(200, answer, "application/timestamp-reply")
