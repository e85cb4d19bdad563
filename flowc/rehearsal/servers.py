"""What answers Twilio's requests during a rehearsed call.

Every server answers :meth:`Server.fetch` with an :class:`Answer`: a built
static folder read from disk, the flows compiled in memory, a generated Flask
app called in-process through WSGI with Twilio's signature, or a TwiML server
on the loopback interface. The engine never knows which one it talks to.

A server is reached at ``http://localhost`` and at every ``base-url`` the
flows declare (the ``bases``): a URL under one of them is a path on the
server; any other URL is another host, which a rehearsal cannot reach.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from ..urls import Url, split

LOCAL = "http://localhost"
USER_AGENT = "TwilioProxy/1.1"  # what Twilio's webhook requests send


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    content_type: str = "text/xml"
    body: bytes = b""
    location: str | None = None  # for 3xx
    served: object = None  # what produced it (a step, a branch line), for transcripts and coverage


NOT_FOUND = Answer(404, "text/plain", b"not found")
UNREACHABLE = Answer(0, "", b"")


def split_base(url: str, bases: Iterable[str]) -> tuple[str, str] | None:
    """``(base, path?query)`` when ``url`` is under one of ``bases``, else None."""
    for base in bases:
        base = base.rstrip("/")
        if url == base or url.startswith((base + "/", base + "?")):
            rest = url[len(base) :]
            return base, rest if rest.startswith("/") else "/" + rest
    return None


class Server:
    """Base: the bases it answers at, and the stubs a scenario gives for paths
    it does not serve."""

    kind = "server"

    def __init__(self, bases: Iterable[str] = ()) -> None:
        self.bases: list[str] = [LOCAL, *(b.rstrip("/") for b in bases if b)]
        self.stubs: dict[str, Answer] = {}

    def describe(self) -> str:
        return self.kind

    def fetch(self, method: str, url: str, params: dict[str, str]) -> Answer:
        where = split_base(url, self.bases)
        if where is None:
            return self.stubs.get(url.partition("?")[0], UNREACHABLE)
        base, rest = where
        answer = self.serve(method, base, rest, params)
        if answer.status == 404:
            path = rest.partition("?")[0]
            stub = self.stubs.get(path) or self.stubs.get(url.partition("?")[0])
            if stub is not None:
                return stub
        return answer

    def serve(self, method: str, base: str, rest: str, params: dict[str, str]) -> Answer:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the server holds (a temporary app, a database)."""


def _xml(body: bytes, served: object = None) -> Answer:
    return Answer(200, "text/xml", body, served=served)


class StaticFolder(Server):
    """A folder written by ``flowc build`` (twiml or site target), served like a
    static host: GET answers the file (the query string is ignored), POST is
    answered 405 Method Not Allowed, as most static hosts do."""

    kind = "static folder"

    def __init__(self, root: str, bases: Iterable[str] = ()) -> None:
        super().__init__(bases)
        self.root = os.path.realpath(root)

    def describe(self) -> str:
        return f"the static folder {self.root}"

    def serve(self, method, base, rest, params):
        from urllib.parse import unquote

        path = unquote(rest.partition("?")[0].partition("#")[0])
        full = os.path.realpath(os.path.join(self.root, path.lstrip("/")))
        if not full.startswith(self.root + os.sep) or not os.path.isfile(full):
            return NOT_FOUND
        if method != "GET":
            return Answer(405, "text/plain", b"method not allowed")
        with open(full, "rb") as f:
            body = f.read()
        kind = "text/xml" if full.endswith(".xml") else "text/html" if full.endswith(".html") else "text/plain"
        return Answer(200, kind, body, served=path)


class Documents(Server):
    """Documents in memory, by path, and a function that decides branch steps
    (the flows compiled in memory: see :func:`flowc.rehearsal.project.flow_server`)."""

    kind = "flows"

    def __init__(
        self,
        documents: dict[str, bytes],
        branches: dict[str, Callable[[str | None], Answer]] | None = None,
        bases: Iterable[str] = (),
        label: str = "the flows",
    ) -> None:
        super().__init__(bases)
        self.documents = documents
        self.branches = branches or {}
        self.label = label

    def describe(self) -> str:
        return self.label

    def serve(self, method, base, rest, params):
        from urllib.parse import unquote, unquote_plus

        path, _, query = rest.partition("?")
        path = unquote(path.partition("#")[0])
        doc = self.documents.get(path)
        if doc is not None:
            return _xml(doc, served=path)
        branch = self.branches.get(path)
        if branch is not None:
            digits = params.get("Digits")
            if digits is None:
                found = re.search(r"(?:^|&)Digits=([^&]*)", query)
                digits = unquote_plus(found.group(1)) if found else None
            return branch(digits)
        return NOT_FOUND


class Wsgi(Server):
    """A WSGI application (the generated Flask app) called in-process. Each
    request carries ``X-Twilio-Signature``, computed with twilio's
    ``RequestValidator`` over the URL and the POST parameters exactly as Twilio
    signs it, so the app's signature check runs for real."""

    kind = "wsgi app"

    def __init__(self, app, token: str, bases: Iterable[str] = (), label: str = "the Flask app") -> None:
        super().__init__(bases)
        from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

        self.app = app
        self.validator = RequestValidator(token)
        self.label = label

    def describe(self) -> str:
        return self.label

    def serve(self, method, base, rest, params):
        import io

        parts = split(base)
        if not isinstance(parts, Url):
            return UNREACHABLE
        path, _, query = rest.partition("?")
        url = base + rest
        body = urlencode(params).encode("ascii") if method == "POST" else b""
        signature = self.validator.compute_signature(url, params if method == "POST" else {})
        prefix = parts.path.rstrip("/")
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": prefix,
            "PATH_INFO": _unquote_latin1(path),
            "QUERY_STRING": query,
            "RAW_URI": prefix + rest,
            "REQUEST_URI": prefix + rest,
            "SERVER_NAME": _hostname(parts) or "localhost",
            "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": parts.netloc,
            "HTTP_USER_AGENT": USER_AGENT,
            "HTTP_X_TWILIO_SIGNATURE": signature,
            "CONTENT_TYPE": "application/x-www-form-urlencoded" if method == "POST" else "",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": parts.scheme or "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        statuses: list[int] = []
        answered: dict[str, str] = {}

        def start_response(status, headers, exc_info=None):
            statuses.append(int(status.split()[0]))
            answered.update((k.lower(), v) for k, v in headers)

        chunks = self.app(environ, start_response)
        try:
            data = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        kind = answered.get("content-type", "").split(";")[0].strip()
        return Answer(statuses[-1] if statuses else 500, kind, data, location=answered.get("location"))


def _hostname(url: Url) -> str:
    host = url.netloc.rpartition("@")[2]
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.partition(":")[0].lower()


def _unquote_latin1(path: str) -> str:
    from urllib.parse import unquote_to_bytes

    return unquote_to_bytes(path).decode("latin-1")


class Http(Server):
    """A TwiML server on the loopback interface (``http://127.0.0.1:PORT``).
    Requests are signed when a token is given. Only loopback addresses are
    accepted: a rehearsal never calls out to the network."""

    kind = "http server"
    LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")

    def __init__(self, root: str, token: str | None = None, bases: Iterable[str] = (), timeout: float = 10.0):
        parts = split(root)
        if not isinstance(parts, Url) or parts.scheme != "http" or _hostname(parts) not in self.LOOPBACK:
            raise ValueError(f"{root}: only http:// URLs on the loopback interface (127.0.0.1) can be rehearsed")
        super().__init__(bases)
        self.root = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        self.token = token
        self.timeout = timeout

    def describe(self) -> str:
        return f"the server at {self.root}"

    def serve(self, method, base, rest, params):
        url = self.root + rest
        data = urlencode(params).encode("ascii") if method == "POST" else None
        headers = {"User-Agent": USER_AGENT}
        if self.token:
            from twilio.request_validator import RequestValidator

            headers["X-Twilio-Signature"] = RequestValidator(self.token).compute_signature(
                url, params if method == "POST" else {}
            )
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(req, timeout=self.timeout) as resp:
                kind = (resp.headers.get("Content-Type") or "").split(";")[0].strip()
                return Answer(resp.status, kind, resp.read(1024 * 1024), location=resp.headers.get("Location"))
        except urllib.error.HTTPError as exc:
            kind = (exc.headers.get("Content-Type") or "").split(";")[0].strip()
            return Answer(exc.code, kind, exc.read(1024 * 1024), location=exc.headers.get("Location"))
        except (urllib.error.URLError, OSError, TimeoutError):
            return UNREACHABLE


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The engine follows redirects itself, counting them as Twilio does."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None
