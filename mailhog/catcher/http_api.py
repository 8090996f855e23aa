"""The HTTP side: MailHog's API v1 and v2 (MailHog-Server api/v1.go, api/v2.go) over the store."""

import json
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .store import SEARCH_KINDS

log = logging.getLogger("catcher.http")

_MESSAGES = re.compile(r"^/api/v1/messages/?$")
_MESSAGE = re.compile(r"^/api/v1/messages/(?P<id>[^/]+)/?$")
_V2_MESSAGES = re.compile(r"^/api/v2/messages/?$")
_V2_SEARCH = re.compile(r"^/api/v2/search/?$")
_NO_BODY = object()  # an empty response body, unlike None, which is sent as JSON `null`


def _positive_int(params, name):
    try:
        value = int(params.get(name, [""])[0])
    except ValueError:
        return None
    return value if value > 0 else None


def start_limit(params):
    """MailHog's paging: start defaults to 0, limit to 50 and is capped at 250."""
    start = _positive_int(params, "start") or 0
    limit = min(_positive_int(params, "limit") or 50, 250)
    return start, limit


class _Handler(BaseHTTPRequestHandler):
    server_version = "MailHog-catcher"
    store = None  # set on the subclass made by make_server

    def log_message(self, format, *args):  # noqa: A002 (BaseHTTPRequestHandler's signature)
        log.debug("%s %s", self.address_string(), format % args)

    def _send(self, status, payload=_NO_BODY, content_type="text/json"):
        body = b"" if payload is _NO_BODY else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_window(self, items, start, total):
        self._send(200, {"total": total, "count": len(items), "start": start, "items": items})

    def do_GET(self):  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        params = parse_qs(url.query)
        if _V2_MESSAGES.match(url.path):
            start, limit = start_limit(params)
            items, total = self.store.list(start, limit)
            return self._send_window(items, start, total)
        if _V2_SEARCH.match(url.path):
            kind = params.get("kind", [""])[0]
            query = params.get("query", [""])[0]
            if kind not in SEARCH_KINDS or not query:
                return self._send(400)  # MailHog answers a bad kind or an empty query with a bare 400
            start, limit = start_limit(params)
            items, total = self.store.search(kind, query, start, limit)
            return self._send_window(items, start, total)
        if _MESSAGES.match(url.path):
            items, _ = self.store.list(0, 1000)
            return self._send(200, items)
        match = _MESSAGE.match(url.path)
        if match:
            # Like MailHog's in-memory storage: an unknown ID is a 200 with `null`.
            return self._send(200, self.store.get(match["id"]))
        self._send(404, content_type="text/plain")

    def do_DELETE(self):  # noqa: N802
        path = urlsplit(self.path).path
        if _MESSAGES.match(path):
            self.store.delete_all()
            log.info("deleted all messages")
            return self._send(200)
        match = _MESSAGE.match(path)
        if match:
            self.store.delete(match["id"])
            return self._send(200)
        self._send(404, content_type="text/plain")


def make_server(store, host, port):
    """An HTTP server for the store on host:port (not yet serving: call serve_forever())."""
    handler = type("CatcherHandler", (_Handler,), {"store": store})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def shutdown_soon(server):
    """Stops serve_forever() from any thread, including a signal handler on the serving thread."""
    threading.Thread(target=server.shutdown, daemon=True).start()
