from .recorder import current_request


class AuditRequestMiddleware:
    """Makes the current request known to audit handlers that are not given it: a role granted
    through any form reaches the log through a signal, which knows nothing of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
