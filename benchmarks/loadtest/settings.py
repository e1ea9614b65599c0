"""Production settings for the load test, with one difference: cookies are not marked Secure.

In production TLS ends at the reverse proxy; the load test talks plain HTTP to gunicorn on
loopback instead, and an HTTP client (rightly) never sends a Secure cookie over plain HTTP.
"""

from elearning.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = False
