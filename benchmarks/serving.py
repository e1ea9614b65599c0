"""Serving the platform on loopback for the benchmarks that drive it over HTTP."""

import socket
import time
import urllib.request


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url, seconds=60):
    """The HTTP status of `url` once the server answers (OSError after `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 — loopback
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
