"""A request id for each request, to follow one request from nginx's log to the app's."""

import re
import uuid

from .logging import request_id_var

HEADER = "X-Request-ID"
# What the proxy may send (nginx's $request_id is 32 hex digits). Anything else is replaced:
# a client-chosen id must not inject text into the logs.
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response
