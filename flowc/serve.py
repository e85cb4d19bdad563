"""``flowc serve``: build the site, serve it on localhost, rebuild on change.

A preview, not a build: flows with errors are drawn with their diagnostics on
the pages (and printed), so the server keeps running while a flow is being
edited. Files are written with :func:`flowc.output.write_tree`, so a
rebuild replaces each page atomically and never touches a file it did not
write.

Every page it serves (404s and messages included) carries one more script than
the built site: it asks the server for the number of the current build
(``/.flowc/build``) every second and reloads the page when it changes. The
script is added as the page is sent, so a folder kept with ``-o DIR`` holds
the site as ``flowc build`` writes it.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from .backends import site, with_target
from .diagnostics import Severity
from .output import write_tree
from .project import FLOW_SUFFIX, NoFlowFiles, load
from .render import format_summary, format_text


@dataclass(frozen=True, slots=True)
class Rebuilt:
    flows: int
    errors: int
    warnings: int


BUILD_PATH = "/.flowc/build"

RELOAD_SCRIPT = b"""<script>
(function () {
  var seen = null;
  function poll() {
    fetch("/.flowc/build", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (id) {
      if (seen !== null && id !== seen) { location.reload(); return; }
      seen = id;
      setTimeout(poll, 1000);
    }, function () { setTimeout(poll, 3000); });
  }
  poll();
})();
</script>
"""


def _live(page: bytes) -> bytes:
    """A page with the reload script, as it is served (the files on disk never carry it)."""
    at = page.rfind(b"</body>")
    if at < 0:
        return page + RELOAD_SCRIPT
    return page[:at] + RELOAD_SCRIPT + page[at:]


def rebuild(paths: Sequence[str], out: str, echo: Callable[[str], None]) -> Rebuilt:
    """Build the preview of ``paths`` into ``out``; report diagnostics through ``echo``.

    It reports what ``flowc check --target site`` reports: the flows' diagnostics
    and the site target's, one per problem."""
    try:
        build = load(paths)
    except NoFlowFiles as exc:
        message = f"no .flow files under {exc.args[0]}"
        write_tree(out, {"index.html": site.message_page(message)})
        echo(f"error: {message}")
        return Rebuilt(flows=0, errors=1, warnings=0)
    build = replace(build, diagnostics=with_target(build, site))
    result = site.render(build)
    write_tree(out, result.files)
    sources = build.sources()
    for d in build.diagnostics:
        echo(format_text(d, sources))
    for notice in result.notices:
        echo(f"note: {notice}")
    echo(format_summary(build.diagnostics, len(build.units)))
    return Rebuilt(
        flows=len(build.flows),
        errors=sum(d.severity is Severity.ERROR for d in build.diagnostics),
        warnings=sum(d.severity is Severity.WARNING for d in build.diagnostics),
    )


class _Handler(SimpleHTTPRequestHandler):
    generation: list[int]  # the number of the current build, shared with serve()
    live: bool  # add the reload script to the pages

    def do_GET(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == BUILD_PATH:
            self._send(200, "text/plain; charset=utf-8", str(self.generation[0]).encode())
            return
        local = self.translate_path(path)
        if os.path.isdir(local):
            if not path.endswith("/"):
                super().do_GET()  # the redirect to the folder's URL with a slash
                return
            local = os.path.join(local, "index.html")
        if local.endswith(".html") or path.endswith("/"):
            try:
                with open(local, "rb") as f:
                    page = f.read()
            except OSError:
                message = f"{path} is not part of this preview (yet): it appears when a rebuild makes it"
                page = site.message_page(message, "Not found")
                self._send(404, "text/html; charset=utf-8", _live(page) if self.live else page)
                return
            self._send(200, "text/html; charset=utf-8", _live(page) if self.live else page)
            return
        super().do_GET()

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass  # quiet: the terminal is for diagnostics

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")  # a preview: always the latest build
        super().end_headers()


def start_server(
    directory: str, host: str, port: int, generation: list[int] | None = None
) -> ThreadingHTTPServer:
    """Serve ``directory`` from a thread. With ``generation``, a live preview: the
    pages carry the script that polls the build number ``generation[0]``
    (``/.flowc/build``) and reloads them when it changes."""
    handler = type(
        "Handler",
        (_Handler,),
        {"generation": generation if generation is not None else [0], "live": generation is not None},
    )
    server = ThreadingHTTPServer((host, port), functools.partial(handler, directory=directory))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="flowc-serve", daemon=True).start()
    return server


def _watched(paths: Sequence[str]) -> list[str]:
    """The folders to watch: the directories given, and the folder of each file."""
    return sorted({os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths})


def _is_flow(change, path: str) -> bool:
    return path.endswith(FLOW_SUFFIX)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop_on_sigterm() -> None:
    """Let SIGTERM stop the server like Ctrl-C, so the temporary folder is removed."""
    import signal

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


def serve(
    paths: Sequence[str],
    out: str | None,
    host: str,
    port: int,
    echo: Callable[[str], None],
    stop: threading.Event | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C), or until ``stop`` is set."""
    import logging

    import watchfiles

    logging.getLogger("watchfiles").setLevel(logging.ERROR)
    _stop_on_sigterm()
    temporary = out is None
    directory: str = tempfile.mkdtemp(prefix="flowc-site-") if out is None else out
    try:
        generation = [1]
        rebuild(paths, directory, echo)
        server = start_server(directory, host, port, generation)
        shown_host = f"[{host}]" if ":" in host else host
        echo(f"serving the site of {', '.join(paths)} at http://{shown_host}:{server.server_address[1]}/")
        echo(f"files in {directory}; rebuilding when a .flow file changes (Ctrl-C to stop)")
        try:
            for _changes in watchfiles.watch(
                *_watched(paths), watch_filter=_is_flow, raise_interrupt=False, stop_event=stop
            ):
                echo("change detected: rebuilding")
                try:
                    rebuild(paths, directory, echo)
                    generation[0] += 1
                except OSError as exc:  # e.g. the output folder was removed: keep serving
                    echo(f"error: the rebuild failed: {exc}")
        finally:
            server.shutdown()
            server.server_close()
            echo("stopped")
    finally:
        if temporary:
            shutil.rmtree(directory, ignore_errors=True)


def stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
