"""The only module that does HTTP for inputs: fetching an article or feed by URL.

Why so careful: a URL given by a user (or, later, a web form) can point anywhere. Every fetch has
connect/read timeouts and an overall deadline, a size cap enforced while the body streams in, a
redirect cap with every hop checked, a content-type check, and retries with backoff on timeouts,
429 and 5xx answers (brieflow.retry: a Retry-After is honoured up to RETRY_AFTER_CAP). With
`block_private`, addresses that are private, loopback, link-local, shared or cloud-metadata are
refused after DNS resolution, on every redirect, and again when the socket connects (so a name
that re-resolves to another address between check and connect is caught).
"""

from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import httpx

from . import __version__
from .errors import BlockedURL, FetchError
from .retry import Retry, parse_retry_after, retrying

if TYPE_CHECKING:
    from .config import Settings

USER_AGENT = f"brieflow/{__version__} (+https://pypi.org/project/brieflow/)"

# Media types an article or feed comes in; a body without a Content-Type is sniffed later.
ACCEPTED_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "text/markdown",
        "text/x-markdown",
        "application/json",
        "application/x-ndjson",
        "application/jsonl",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
    }
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BACKOFF_SECONDS = 0.5  # first retry waits this long, then twice as long each time
RETRY_AFTER_CAP = 10.0  # a server's longer Retry-After is waited only this long
DEADLINE_FACTOR = 3  # one attempt may take at most fetch_timeout × this, however slow the drip


class FetchedBytes(bytes):
    """The body of a fetched URL that remembers where it came from, so the HTML extractor can
    record the article's URL and use the HTTP charset as a hint. Plain `bytes` everywhere else."""

    url: str
    content_type: str | None
    charset: str | None

    def __new__(
        cls, data: bytes, *, url: str, content_type: str | None = None, charset: str | None = None
    ) -> FetchedBytes:
        obj = super().__new__(cls, data)
        obj.url = url
        obj.content_type = content_type
        obj.charset = charset
        return obj


@dataclass(frozen=True)
class Fetched:
    """One successful fetch: the final URL after redirects, the body and its declared type."""

    url: str
    content: bytes
    content_type: str | None
    charset: str | None
    status: int  # 304: not modified since the validators sent (content is empty)
    etag: str | None = None
    last_modified: str | None = None

    def as_bytes(self) -> FetchedBytes:
        return FetchedBytes(
            self.content, url=self.url, content_type=self.content_type, charset=self.charset
        )


def fetch_bytes(url: str, settings: Settings | None = None) -> bytes:
    """The body at `url` (a `FetchedBytes` carrying the final URL and charset)."""
    return fetch(url, settings).as_bytes()


def fetch(
    url: str,
    settings: Settings | None = None,
    *,
    accept: frozenset[str] = ACCEPTED_TYPES,
    headers: dict[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Fetched:
    """GET `url` within the limits in `settings`; any failure is a FetchError naming the URL.
    `headers` are sent too (conditional GET: If-None-Match / If-Modified-Since, when a 304
    answer comes back as a Fetched with status 304 and no content). `sleep` waits between
    attempts (tests pass one that records)."""
    if settings is None:
        from .config import Settings

        settings = Settings()
    timeout = float(settings.fetch_timeout)
    try:
        return retrying(
            lambda: _fetch_once(url, settings, accept, timeout, headers),
            retries=int(settings.fetch_retries),
            backoff=lambda n: BACKOFF_SECONDS * 2**n,
            retry_after_cap=RETRY_AFTER_CAP,
            sleep=sleep,
        )
    except Retry as exc:
        raise FetchError(
            f"{exc.reason} (gave up after {exc.attempts} attempts)", source=url, hint=exc.hint
        ) from None


def _fetch_once(
    url: str,
    settings: Settings,
    accept: frozenset[str],
    timeout: float,
    headers: dict[str, str] | None = None,
) -> Fetched:
    deadline = time.monotonic() + timeout * DEADLINE_FACTOR
    block = bool(settings.block_private)
    client_args: dict[str, Any] = {
        "timeout": httpx.Timeout(timeout),
        "follow_redirects": False,
        # Bodies are decoded here (_Decoder), with the size cap applied to every layer.
        "headers": {
            "User-Agent": USER_AGENT,
            "Accept": _accept_header(),
            "Accept-Encoding": "gzip, deflate",
        },
    }
    if block:
        # A transport of our own ignores proxies from the environment: a proxy would connect
        # on our behalf and make the address check meaningless.
        client_args["transport"] = _guarded_transport()
    current = url
    with httpx.Client(**client_args) as client:
        for _hop in range(int(settings.fetch_max_redirects) + 1):
            _check_url(current, url, block)
            try:
                with client.stream("GET", current, headers=headers) as response:
                    if response.status_code in REDIRECTS and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    return _read_response(response, url, current, settings, accept, deadline)
            except httpx.TimeoutException:
                raise Retry(
                    f"timed out after {timeout:g} s", "try again later or raise fetch_timeout"
                ) from None
            except _Blocked as exc:
                raise BlockedURL(str(exc), source=url, hint=_BLOCK_HINT) from None
            except httpx.TransportError as exc:
                raise Retry(
                    f"cannot connect: {_reason(exc)}", "check the URL and your network"
                ) from None
            except (httpx.HTTPError, httpx.InvalidURL, UnicodeError) as exc:
                # A body that does not decompress, a URL httpx cannot use, and the like.
                raise FetchError(
                    f"cannot fetch: {_reason(exc)}", source=url, hint="check the URL"
                ) from None
        raise FetchError(
            f"too many redirects (more than {settings.fetch_max_redirects})",
            source=url,
            hint="open it in a browser to find the final address, or raise fetch_max_redirects",
        )


def _read_response(
    response: httpx.Response,
    url: str,
    final_url: str,
    settings: Settings,
    accept: frozenset[str],
    deadline: float,
) -> Fetched:
    status = response.status_code
    if status in RETRY_STATUSES:
        raise Retry(
            f"HTTP {status} {response.reason_phrase}",
            "the server failed; try later",
            wait=parse_retry_after(response.headers.get("retry-after")),
        )
    if status >= 400:
        raise FetchError(
            f"HTTP {status} {response.reason_phrase}",
            source=url,
            hint="check that the page exists and is public" if status < 500 else "try later",
        )
    validators = (response.headers.get("etag"), response.headers.get("last-modified"))
    if status == 304:
        return Fetched(final_url, b"", None, None, status, *validators)
    if status >= 300:
        raise FetchError(f"HTTP {status} redirect without a Location header", source=url)
    content_type, charset = _parse_content_type(response.headers.get("content-type"))
    if content_type is not None and content_type not in accept:
        raise FetchError(
            f"the server sent {content_type!r}, not an article or feed",
            source=url,
            hint="give the URL of an HTML page, a feed, or a text/JSON file",
        )
    limit = int(settings.fetch_max_bytes)
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(
            f"the body is {int(declared):,} bytes, more than the {limit:,} allowed",
            source=url,
            hint="raise fetch_max_bytes if the page is really that big",
        )
    too_big = FetchError(
        f"the body is larger than the {limit:,} bytes allowed (stopped reading)",
        source=url,
        hint="raise fetch_max_bytes if the page is really that big",
    )
    decoder = _Decoder(response.headers.get("content-encoding", ""), limit, url, too_big)
    chunks: list[bytes] = []
    size = 0
    for raw in response.iter_raw():
        if len(raw) > limit:
            raise too_big
        for chunk in decoder.decode(raw):
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
        if time.monotonic() > deadline:
            raise Retry(
                "the body took too long to arrive", "try again later or raise fetch_timeout"
            )
    chunks.extend(decoder.flush())
    if sum(map(len, chunks)) > limit:
        raise too_big
    return Fetched(final_url, b"".join(chunks), content_type, charset, status, *validators)


class _Decoder:
    """`Content-Encoding` undone layer by layer (`gzip, gzip` too), in pieces of at most
    _PIECE bytes, counting each layer's output as it is made: a few kB that inflate to
    gigabytes stop at the cap instead of filling memory (httpx inflates a whole chunk of
    every layer in one call before anyone can count it)."""

    def __init__(self, header: str, limit: int, url: str, too_big: FetchError):
        names = [n.strip().lower() for n in header.split(",") if n.strip()]
        names = [n for n in names if n != "identity"]
        for name in names:
            if name not in _ENCODINGS:
                raise FetchError(
                    f"the server sent a body in {name!r} encoding, which brieflow cannot read",
                    source=url,
                    hint="only gzip and deflate bodies are read",
                )
        self.layers = [_ENCODINGS[n]() for n in reversed(names)]  # the last applied first
        self.made = [0] * len(self.layers)
        # An inner layer is compressed data of the body: never much larger than the body.
        self.cap = 2 * limit + 65_536
        self.too_big = too_big
        self.url = url

    def decode(self, data: bytes) -> Iterator[bytes]:
        yield from self._through(0, data)

    def flush(self) -> list[bytes]:
        out: list[bytes] = []
        for i, layer in enumerate(self.layers):
            tail = layer.flush()
            out = [piece for chunk in [*out, tail] for piece in self._through(i + 1, chunk)]
        return out

    def _through(self, i: int, data: bytes) -> Iterator[bytes]:
        if i == len(self.layers):
            if data:
                yield data
            return
        layer = self.layers[i]
        while data:
            try:
                piece, data = layer.decompress(data)
            except zlib.error as exc:
                raise FetchError(
                    f"cannot fetch: the body does not decompress ({exc})",
                    source=self.url,
                    hint="check the URL",
                ) from None
            if not piece:
                break
            self.made[i] += len(piece)
            if self.made[i] > self.cap:
                raise self.too_big
            yield from self._through(i + 1, piece)


_PIECE = 65_536


class _Inflate:
    """One zlib layer, decompressed at most _PIECE bytes at a time."""

    def __init__(self, wbits: int):
        self.z = zlib.decompressobj(wbits)
        self.started = False
        self.wbits = wbits

    def decompress(self, data: bytes) -> tuple[bytes, bytes]:
        """(up to _PIECE bytes of output, the input not consumed yet)."""
        try:
            piece = self.z.decompress(data, _PIECE)
        except zlib.error:
            if self.started or self.wbits != zlib.MAX_WBITS:
                raise
            # `deflate` is meant to be zlib-wrapped; some servers send raw deflate.
            self.z, self.wbits = zlib.decompressobj(-zlib.MAX_WBITS), -zlib.MAX_WBITS
            piece = self.z.decompress(data, _PIECE)
        self.started = True
        if self.z.eof:
            return piece, b""  # data after the end of the stream is ignored
        return piece, self.z.unconsumed_tail

    def flush(self) -> bytes:
        return self.z.flush()


_ENCODINGS = {
    "gzip": lambda: _Inflate(zlib.MAX_WBITS | 16),
    "x-gzip": lambda: _Inflate(zlib.MAX_WBITS | 16),
    "deflate": lambda: _Inflate(zlib.MAX_WBITS),
}


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """`text/html; charset=GBK` → ("text/html", "gbk")."""
    if not value:
        return None, None
    kind, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower()
    return kind.strip().lower() or None, charset


def _accept_header() -> str:
    return "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,*/*;q=0.5"


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


# --- the private-address guard ---------------------------------------------------------------

_BLOCK_HINT = "brieflow refuses private and local addresses here (block_private is on)"
_METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})


class _Blocked(Exception):
    pass


def _check_url(current: str, original: str, block: bool) -> None:
    """Refuse non-HTTP schemes always, and private addresses when `block` is on."""
    parts = urlsplit(current)
    if parts.scheme.lower() not in ("http", "https"):
        raise BlockedURL(
            f"refusing the {parts.scheme or 'empty'!r} scheme"
            + (f" (redirected to {current})" if current != original else ""),
            source=original,
            hint="only http:// and https:// URLs are fetched",
        )
    if not parts.hostname:
        raise BlockedURL("the URL has no host name", source=original, hint="check the URL")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise BlockedURL(
            "the URL has an invalid port", source=original, hint="ports are 1-65535"
        ) from None
    if block:
        try:
            resolve_public(parts.hostname, port)
        except _Blocked as exc:
            where = f" (redirected to {current})" if current != original else ""
            raise BlockedURL(f"{exc}{where}", source=original, hint=_BLOCK_HINT) from None


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address; False for private, loopback, link-local
    (incl. 169.254.169.254 metadata), shared (100.64/10), multicast, reserved or unspecified."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return is_public_address(str(mapped))
    return bool(ip.is_global) and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def resolve_public(host: str, port: int) -> list[str]:
    """Every address `host` resolves to; raises _Blocked if any of them is not public."""
    if host.lower().rstrip(".") in _METADATA_HOSTS:
        raise _Blocked(f"{host} is a cloud metadata host")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Retry(f"cannot resolve {host}: {exc}", "check the host name") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        if not is_public_address(address):
            raise _Blocked(f"{host} resolves to {address}, a private or local address")
    return addresses


def _guarded_transport() -> httpx.HTTPTransport:
    """An httpx transport whose sockets connect only to the public addresses just checked."""
    import httpcore

    class GuardedBackend(httpcore.SyncBackend):
        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # type: ignore[no-untyped-def]
            last: Exception | None = None
            for address in resolve_public(host, port):
                try:
                    return super().connect_tcp(
                        address, port, timeout, local_address, socket_options
                    )
                except httpcore.ConnectError as exc:
                    last = exc
            raise last or httpcore.ConnectError(f"cannot connect to {host}")

    transport = httpx.HTTPTransport()
    pool = getattr(transport, "_pool", None)
    if pool is not None and hasattr(pool, "_network_backend"):
        pool._network_backend = GuardedBackend()
    return transport
