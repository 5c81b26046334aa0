"""Tests are offline: any socket to a non-loopback address fails loudly."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parent.parent / "examples"

_real_connect = socket.socket.connect
_real_getaddrinfo = socket.getaddrinfo
_LOOPBACK = {"127.0.0.1", "::1", "localhost", "0.0.0.0"}


def _host(address) -> str | None:
    if isinstance(address, tuple) and address:
        return str(address[0])
    return None  # AF_UNIX paths are local


def _guarded_connect(self, address):
    host = _host(address)
    if host is not None and host not in _LOOPBACK and not host.startswith("127."):
        raise OSError(f"tests are offline: refused a connection to {address!r}")
    return _real_connect(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host is not None and str(host) not in _LOOPBACK and not str(host).startswith("127."):
        # gaierror, as a real resolver without network raises
        raise socket.gaierror(socket.EAI_NONAME, f"tests are offline: refused to resolve {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    # No user config or data dir leaks into tests.
    monkeypatch.setenv("BRIEFLOW_CONFIG", os.devnull)
    for key in list(os.environ):
        if key.startswith("BRIEFLOW_") and key != "BRIEFLOW_CONFIG":
            monkeypatch.delenv(key)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    yield


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a test that takes more than a few seconds")
