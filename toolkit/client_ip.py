"""The client's address for login throttling (django-axes' AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The address the nearest trusted reverse proxy saw the client come from.

    X-Forwarded-For is only believed when TRUSTED_PROXY_COUNT says how many proxies we run:
    each appends the address it saw, so the entry `count` places from the end was written by
    our outermost proxy; anything before it may be made up by the client. Without proxies
    the header is ignored, or anyone could dodge the lockout by sending a new one each time.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass  # a proxy that writes something else is misconfigured: use the peer
    return request.META.get("REMOTE_ADDR")
