"""Talking to a SPARQL server: credentials, timeouts and the mapping of every failure to one
:class:`~policygraph.errors.EndpointError` line, shared by the SPARQL 1.1 Protocol (through
SPARQLWrapper) and the Graph Store HTTP Protocol upload.

Credentials come from ``POLICYGRAPH_USER`` / ``POLICYGRAPH_PASSWORD`` only: never from the command
line, never printed, and never sent anywhere but the origin (scheme, host, port) of the URL
configured: a redirect to another origin is not followed (one error naming both URLs), and the
credentials are never a header a redirect carries. Every answer is read in parts, up to a limit
(:data:`MAX_BYTES` unless given): a larger one is an error, never read into memory whole.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.response
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from policygraph.errors import EndpointError
from policygraph.i18n import N_
from policygraph.store.defaults import MAX_BYTES as MAX_BYTES

T = TypeVar("T")
ENV_USER, ENV_PASSWORD = "POLICYGRAPH_USER", "POLICYGRAPH_PASSWORD"
ERROR_BODY = 64 * 1024  # what is read of an error's body (its first 300 characters are shown)


def credentials() -> tuple[str, str] | None:
    user = os.environ.get(ENV_USER)
    return (user, os.environ.get(ENV_PASSWORD, "")) if user else None


def refused(url: str, code: int) -> EndpointError:
    return EndpointError(
        N_("{url} refused the credentials (HTTP {status}); set {user} and {password}"),
        code="credentials-refused",
        url=url,
        status=code,
        user=ENV_USER,
        password=ENV_PASSWORD,
    )


def http_error(url: str, exc: urllib.error.HTTPError) -> EndpointError:
    body = ""
    with contextlib.suppress(OSError):
        body = " ".join(exc.read(ERROR_BODY).decode("utf-8", "replace").split())[:300]
    if exc.code == 401 or (exc.code == 403 and not body):
        return refused(url, exc.code)
    if exc.code == 403:  # the server says why: read-only, SERVICE refused, …
        return EndpointError(
            N_("{url} refused the request (HTTP 403): {reason}"),
            code="request-refused",
            url=url,
            reason=body,
        )
    return EndpointError(
        N_("{url} answered HTTP {status}: {reason}"),
        code="http-error",
        url=url,
        status=exc.code,
        reason=body or exc.reason,
    )


def network_error(url: str, exc: BaseException, timeout: float) -> EndpointError:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
        return timed_out(url, timeout)
    if isinstance(reason, ConnectionRefusedError) or "refused" in str(reason).lower():
        return EndpointError(
            N_("cannot reach {url}: connection refused (is the server running?)"),
            code="connection-refused",
            url=url,
        )
    return EndpointError(
        N_("cannot reach {url}: {reason}"),
        code="unreachable",
        url=url,
        reason=" ".join(str(reason).split()),
    )


def timed_out(url: str, timeout: float) -> EndpointError:
    """No answer from ``url`` within ``timeout`` seconds."""
    return EndpointError(
        N_("{url} did not answer within {timeout:g} s"), code="timeout", url=url, timeout=timeout
    )


def _server_message(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    text = re.sub(r"^[A-Za-z]+: ", "", text)
    text = re.sub(r"Response: b['\"](.*?)['\"]?$", r"\1", text)
    return text[:300]


@contextlib.contextmanager
def failures(url: str, timeout: float) -> Iterator[None]:
    """Turn whatever a request to ``url`` raises into one EndpointError line."""
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException, Unauthorized

    try:
        with warnings.catch_warnings():  # SPARQLWrapper warns on what it cannot classify
            warnings.simplefilter("ignore")
            yield
    except Unauthorized as exc:
        raise refused(url, 401) from exc
    except SPARQLWrapperException as exc:
        raise EndpointError(
            N_("{url} answered with an error: {reason}"),
            code="server-error",
            url=url,
            reason=_server_message(exc),
        ) from exc
    except urllib.error.HTTPError as exc:
        raise http_error(url, exc) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise network_error(url, exc, timeout) from exc
    except (ValueError, UnicodeDecodeError) as exc:  # truncated JSON, HTML, garbage
        raise EndpointError(
            N_("{url} did not answer with SPARQL results ({reason})"),
            code="not-sparql-results",
            url=url,
            reason=" ".join(str(exc).split())[:120],
        ) from exc


def sparql_wrapper(url: str, timeout: float, digest: bool = False, limit: int = MAX_BYTES) -> Any:
    """A SPARQLWrapper for ``url``: POST, the timeout, and its requests sent through
    :func:`opener` (credentials for ``url``'s origin only: Basic, unless ``digest``, and Digest
    where the server asks for it, as Virtuoso's /sparql-auth does; no redirect to another
    origin; answers read up to ``limit`` bytes)."""
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper import SPARQLExceptions as sx

    send_via = opener(url)
    creds = credentials()
    errors = {400: sx.QueryBadFormed, 401: sx.Unauthorized, 404: sx.EndPointNotFound}
    errors.update({414: sx.URITooLong, 500: sx.EndPointInternalError})

    class Guarded(SPARQLWrapper):
        def _query(self) -> tuple[Any, str]:
            request = self._createRequest()
            if creds and not digest:
                request.add_unredirected_header("Authorization", basic(*creds))
            try:
                response = send_via.open(request, timeout=self.timeout)
            except urllib.error.HTTPError as exc:
                if exc.code in errors:
                    raise errors[exc.code](exc.read(ERROR_BODY)) from exc
                raise
            with response:
                body = read_limited(response, request.full_url, limit)
            kept = urllib.response.addinfourl(
                io.BytesIO(body), response.headers, response.url, response.status
            )
            return kept, self.returnFormat

    sw = Guarded(url)
    sw.setMethod(POST)
    sw.setTimeout(int(max(1, timeout)))
    return sw


def run_sparql(
    url: str,
    timeout: float,
    prepare: Callable[[Any], None],
    run: Callable[[Any], Any],
    limit: int = MAX_BYTES,
) -> Any:
    """Run one SPARQLWrapper request (``prepare`` sets it up, ``run`` sends it) with Basic
    credentials, and once more with Digest when the server refuses Basic (Virtuoso's
    /sparql-auth); every failure is one EndpointError (:func:`failures`)."""
    from SPARQLWrapper.SPARQLExceptions import Unauthorized

    deadline = time.monotonic() + timeout
    for digest in (False, True):
        sw = sparql_wrapper(url, timeout, digest, limit)
        prepare(sw)
        try:
            with failures(url, timeout):
                return within(deadline, url, timeout, functools.partial(run, sw))
        except EndpointError as exc:
            cause = exc.__cause__
            refused_basic = isinstance(cause, Unauthorized) or (
                isinstance(cause, urllib.error.HTTPError) and cause.code == 401
            )
            if digest or credentials() is None or not refused_basic:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def basic(user: str, password: str) -> str:
    """The value of a Basic Authorization header."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def origin(url: str) -> tuple[str, str, int | None]:
    """A URL's origin: scheme, host and port (the scheme's own where none is given)."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port


class SameOrigin(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only within the origin of the request: to another one it is an
    EndpointError naming both URLs. A 307 or 308 keeps the method and the body (a POSTed query)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if origin(newurl) != origin(req.full_url):
            raise EndpointError(
                N_(
                    "{url} redirected to {target}, another origin: not followed (queries and "
                    "credentials go only to the endpoint given)"
                ),
                code="redirect-origin",
                url=req.full_url,
                target=newurl,
            )
        if code in (307, 308) and req.data is not None:
            return urllib.request.Request(
                newurl,
                data=req.data,
                headers=dict(req.headers),
                method=req.get_method(),
                origin_req_host=req.origin_req_host,
                unverifiable=True,
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def opener(url: str) -> urllib.request.OpenerDirector:
    """An opener that follows redirects within ``url``'s origin only and answers a server's
    challenge (Basic or Digest) with the credentials from the environment for that origin
    only."""
    handlers: list[Any] = [SameOrigin()]
    creds = credentials()
    if creds:
        scheme, host, port = origin(url)
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        where = f"[{host}]" if ":" in host else host  # an IPv6 address in its brackets
        passwords.add_password(None, f"{scheme}://{where}:{port}/", *creds)
        handlers += [
            urllib.request.HTTPBasicAuthHandler(passwords),
            urllib.request.HTTPDigestAuthHandler(passwords),
        ]
    return urllib.request.build_opener(*handlers)


def read_limited(response: Any, url: str, limit: int) -> bytes:
    """The body of ``response``, read in parts: more than ``limit`` bytes is an EndpointError
    (what it says it will send is checked first)."""
    declared = response.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        raise too_large(url, limit)
    parts, size = [], 0
    while part := response.read(min(2**20, limit + 1 - size)):
        size += len(part)
        if size > limit:
            raise too_large(url, limit)
        parts.append(part)
    return b"".join(parts)


def too_large(url: str, limit: int) -> EndpointError:
    return EndpointError(
        N_("{url} answered more than {limit} bytes; nothing past the limit was read"),
        code="answer-too-large",
        url=url,
        limit=limit,
    )


def send(
    method: str, url: str, body: bytes, content_type: str, timeout: float, probe: bool = True
) -> bytes:
    """One plain HTTP request (the Graph Store Protocol), with the same credentials (Basic or
    Digest, as the server challenges) and errors; ``probe``: as :func:`exchange`."""
    return exchange(method, url, timeout, body=body, content_type=content_type, probe=probe).body


class Reply:
    """What a server answered: the body and the headers (names in lower case)."""

    def __init__(self, body: bytes, headers: dict[str, str]) -> None:
        self.body, self.headers = body, headers

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def exchange(
    method: str,
    url: str,
    timeout: float,
    body: bytes | None = None,
    content_type: str | None = None,
    accept: str | None = None,
    limit: int = MAX_BYTES,
    probe: bool = True,
) -> Reply:
    """One plain HTTP request with the credentials from the environment (Basic or Digest, as the
    server challenges, for ``url``'s origin only), one deadline, an answer of at most ``limit``
    bytes, and every failure one EndpointError line. ``probe``: a large body goes out with the
    credentials its server's challenge asks for, fetched first (:func:`authorize`; the server's
    profile says whether it needs that)."""
    headers = {"Content-Type": content_type} if content_type else {}
    if accept:
        headers["Accept"] = accept
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    send_via = opener(url)

    def run() -> Reply:
        creds = credentials()
        if probe and creds and body and len(body) > ANSWERED_UNREAD:
            authorize(request, creds, timeout)
        with send_via.open(request, timeout=timeout) as response:
            found = {k.lower(): v for k, v in response.headers.items()}
            return Reply(read_limited(response, url, limit), found)

    with failures(url, timeout):
        return within(time.monotonic() + timeout, url, timeout, run)


# The largest body sent on the chance that a server asking for credentials reads it before it
# answers 401: Virtuoso answers its Digest challenge and closes the connection unread, which the
# client sees as "connection reset" (its socket buffers hold a few hundred kB), not as a challenge.
ANSWERED_UNREAD = 64 * 1024


def authorize(request: urllib.request.Request, creds: tuple[str, str], timeout: float) -> None:
    """Give ``request`` its Authorization header before its body goes out: the challenge is
    fetched with a HEAD to the same URL (no body to lose, no credentials, no redirect to another
    origin); a URL that asks for nothing, or a probe that fails, leaves the request as it was
    (it then meets the server as before)."""
    try:
        probe = urllib.request.build_opener(SameOrigin())
        probe.open(urllib.request.Request(request.full_url, method="HEAD"), timeout=timeout).close()
        return
    except urllib.error.HTTPError as exc:
        challenges = (exc.headers.get_all("WWW-Authenticate") or []) if exc.code == 401 else []
    except OSError:
        return
    for challenge in challenges:
        scheme, _, rest = challenge.partition(" ")
        if scheme.lower() == "digest":
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, request.full_url, *creds)
            digest = urllib.request.HTTPDigestAuthHandler(passwords)
            fields = urllib.request.parse_keqv_list(
                [f for f in urllib.request.parse_http_list(rest) if f]
            )
            value = digest.get_authorization(request, fields)
            if value:
                request.add_unredirected_header("Authorization", f"Digest {value}")
                return
    for challenge in challenges:
        if challenge.lower().startswith("basic"):
            request.add_unredirected_header("Authorization", basic(*creds))
            return


def within(deadline: float, url: str, timeout: float, request: Callable[[], T]) -> T:
    """``request()``'s answer if it comes before ``deadline`` (a monotonic time), else an
    EndpointError. The socket timeout bounds each read only: a server trickling a byte at a
    time would never trip it, so the whole exchange runs in a thread and is waited for."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(request())
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=run, name=f"request to {url}", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise timed_out(url, timeout)
    if failure:
        raise failure[0]
    return outcome[0]
