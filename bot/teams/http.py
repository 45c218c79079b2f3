"""One TLS-aware ``httpx`` client factory for every outgoing call to Microsoft.

``ssl.create_default_context()`` honours ``SSL_CERT_FILE`` (OpenSSL's default verify paths), and
``REQUESTS_CA_BUNDLE`` is added when set, so a staging authority or the tests' own CA is trusted
the standard way and nothing here turns verification off.
"""

from __future__ import annotations

import os
import ssl

import httpx

#: Connect and read budget for one call to Microsoft (seconds).
TIMEOUT_SECONDS = 10.0


def tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    for variable in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
        path = os.environ.get(variable)
        if path and os.path.isfile(path):
            context.load_verify_locations(cafile=path)
    return context


def make_http(timeout: float = TIMEOUT_SECONDS) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        verify=tls_context(),
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
    )
