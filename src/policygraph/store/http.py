"""Talking to a SPARQL server: credentials, timeouts and the mapping of every failure to one
:class:`~policygraph.errors.EndpointError` line, shared by the SPARQL 1.1 Protocol (through
SPARQLWrapper) and the Graph Store HTTP Protocol upload.

Credentials come from ``POLICYGRAPH_USER`` / ``POLICYGRAPH_PASSWORD`` only: never from the command
line, never printed.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from policygraph.errors import EndpointError
from policygraph.i18n import N_

T = TypeVar("T")
ENV_USER, ENV_PASSWORD = "POLICYGRAPH_USER", "POLICYGRAPH_PASSWORD"


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
        body = " ".join(exc.read().decode("utf-8", "replace").split())[:300]
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


def sparql_wrapper(url: str, timeout: float, digest: bool = False) -> Any:
    """A SPARQLWrapper for ``url``: POST, the timeout, the credentials from the environment
    (Basic; Digest where the server asks for it, as Virtuoso's /sparql-auth does)."""
    from SPARQLWrapper import DIGEST, POST, SPARQLWrapper

    sw = SPARQLWrapper(url)
    sw.setMethod(POST)
    sw.setTimeout(int(max(1, timeout)))
    creds = credentials()
    if creds:
        sw.setCredentials(*creds)
        if digest:
            sw.setHTTPAuth(DIGEST)
    return sw


def run_sparql(
    url: str, timeout: float, prepare: Callable[[Any], None], run: Callable[[Any], Any]
) -> Any:
    """Run one SPARQLWrapper request (``prepare`` sets it up, ``run`` sends it) with Basic
    credentials, and once more with Digest when the server refuses Basic (Virtuoso's
    /sparql-auth); every failure is one EndpointError (:func:`failures`)."""
    from SPARQLWrapper.SPARQLExceptions import Unauthorized

    deadline = time.monotonic() + timeout
    for digest in (False, True):
        sw = sparql_wrapper(url, timeout, digest)
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


def send(method: str, url: str, body: bytes, content_type: str, timeout: float) -> bytes:
    """One plain HTTP request (the Graph Store Protocol), with the same credentials (Basic or
    Digest, as the server challenges) and errors."""
    return exchange(method, url, timeout, body=body, content_type=content_type).body


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
) -> Reply:
    """One plain HTTP request with the credentials from the environment (Basic or Digest, as the
    server challenges), one deadline, and every failure one EndpointError line."""
    headers = {"Content-Type": content_type} if content_type else {}
    if accept:
        headers["Accept"] = accept
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    handlers: list[Any] = []
    creds = credentials()
    if creds:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, *creds)
        handlers = [
            urllib.request.HTTPBasicAuthHandler(passwords),
            urllib.request.HTTPDigestAuthHandler(passwords),
        ]
    opener = urllib.request.build_opener(*handlers)

    def run() -> Reply:
        if creds and body and len(body) > ANSWERED_UNREAD:
            authorize(request, passwords, timeout)
        with opener.open(request, timeout=timeout) as response:
            found = {k.lower(): v for k, v in response.headers.items()}
            return Reply(bytes(response.read()), found)

    with failures(url, timeout):
        return within(time.monotonic() + timeout, url, timeout, run)


# The largest body sent on the chance that a server asking for credentials reads it before it
# answers 401: Virtuoso answers its Digest challenge and closes the connection unread, which the
# client sees as "connection reset" (its socket buffers hold a few hundred kB), not as a challenge.
ANSWERED_UNREAD = 64 * 1024


def authorize(request: urllib.request.Request, passwords: Any, timeout: float) -> None:
    """Give ``request`` its Authorization header before its body goes out: the challenge is
    fetched with a HEAD to the same URL (no body to lose); a URL that asks for nothing, or a
    probe that fails, leaves the request as it was (it then meets the server as before)."""
    try:
        urllib.request.urlopen(
            urllib.request.Request(request.full_url, method="HEAD"), timeout=timeout
        ).close()
        return
    except urllib.error.HTTPError as exc:
        challenges = (exc.headers.get_all("WWW-Authenticate") or []) if exc.code == 401 else []
    except OSError:
        return
    for challenge in challenges:
        scheme, _, rest = challenge.partition(" ")
        if scheme.lower() == "digest":
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
            user, password = passwords.find_user_password(None, request.full_url)
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            request.add_unredirected_header("Authorization", f"Basic {token}")
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
