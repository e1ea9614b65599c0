"""The test suite's first authentication backend (see elearning/test_settings.py)."""

from axes.backends import AxesStandaloneBackend


class TestClientAxesBackend(AxesStandaloneBackend):
    """django-axes' backend, except for authenticate() calls without a request.

    Only Django's test client makes those (client.login); every login through a view passes
    its request and is throttled exactly as in production.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
