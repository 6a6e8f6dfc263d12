"""A scriptable HTTP/1.1 server on 127.0.0.1 for the runtime tests: each path serves a queue.

A test scripts what each path answers (`server.script("/v1/x", Reply(429, ...), Reply(...))`),
then reads back what arrived (`server.hits("/v1/x")`). Faults a real network produces are real
here: a hung response, a reset connection, a stream cut mid-event. Unscripted paths answer 599.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import socket
import struct
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Reply:
    """One scripted answer. `body` may be bytes, text, or a dict/list sent as JSON."""

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hang: bool = False
    """Read the request, then never answer (until the server stops)."""
    reset: bool = False
    """Drop the connection (TCP RST) instead of answering."""
    echo: bool = False
    """Answer with JSON describing the request as the server parsed it (see `Seen.echo`)."""
    chunks: Sequence[bytes] = ()
    """Stream these, `chunk_delay` apart, as a chunked body (or close-delimited, below)."""
    chunk_delay: float = 0.0
    close_delimited: bool = False
    """With chunks: no length or chunking; the body ends when the connection closes."""
    cut: bool = False
    """With chunks: drop the connection after them instead of ending the body properly."""
    repeat: bool = False
    """Stay at the head of the queue: answer every later request the same way."""


@dataclass(frozen=True)
class Seen:
    """One request as it arrived."""

    method: str
    path: str
    """As sent, still percent-encoded (`/files/a%2Fb`): script paths the same way."""
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float

    def echo(self) -> dict[str, Any]:
        form, files = _parse_form(self.headers.get("content-type", ""), self.body)
        return {"method": self.method, "path": self.path,
                "query": self.query, "headers": self.headers, "form": form, "files": files,
                "body": self.body.decode("utf-8", "replace")}


def _parse_form(content_type: str, body: bytes) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """Fields and files of a form-urlencoded or multipart/form-data body."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return parse_qs(body.decode(), keep_blank_values=True), {}
    if not content_type.startswith("multipart/form-data"):
        return {}, {}
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    form: dict[str, list[str]] = {}
    files: dict[str, Any] = {}
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if part.get_filename() is None and part["content-type"] is None:
            form.setdefault(name, []).append(payload.decode())
        else:
            files[name] = {"filename": part.get_filename(), "content_type": part["content-type"],
                           "content": payload.decode("latin-1")}
    return form, files


class FaultServer:
    """A ThreadingHTTPServer on a random port; `start()` and `stop()` it (a fixture does)."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Reply]] = defaultdict(deque)
        self._seen: list[Seen] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.fault = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def script(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self._queues[path].extend(replies)

    def hits(self, path: str) -> list[Seen]:
        with self._lock:
            return [s for s in self._seen if s.path == path]

    def take(self, seen: Seen) -> Reply:
        with self._lock:
            self._seen.append(seen)
            queue = self._queues[seen.path]
            if not queue:
                return Reply(599, {"error": {"message": f"unscripted path {seen.path}"}})
            return queue[0] if queue[0].repeat else queue.popleft()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up early (a stream closed after [DONE], a timeout) is expected."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _handle(self) -> None:
        fault: FaultServer = self.server.fault  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        seen = Seen(self.command, url.path, parse_qs(url.query),
                    {k.lower(): v for k, v in self.headers.items()}, self._read_body(), time.monotonic())
        reply = fault.take(seen)
        time.sleep(reply.delay)
        if reply.hang:
            fault.stopping.wait(30)
            self.close_connection = True
        elif reply.reset:
            self._drop()
        elif reply.chunks:
            self._stream(reply)
        else:
            self._answer(reply, json.dumps(seen.echo()).encode() if reply.echo else reply.body)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while size := int(self.rfile.readline().split(b";")[0], 16):
                body += self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
            return body
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _answer(self, reply: Reply, body: Any) -> None:
        headers = dict(reply.headers)
        if isinstance(body, (dict, list)) or reply.echo:
            headers.setdefault("Content-Type", "application/json")
            body = body if isinstance(body, bytes) else json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(reply.status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in {"Content-Type": "text/event-stream", **reply.headers}.items():
            self.send_header(name, value)
        self.send_header(*(("Connection", "close") if reply.close_delimited else ("Transfer-Encoding", "chunked")))
        self.end_headers()
        for chunk in reply.chunks:
            self.wfile.write(chunk if reply.close_delimited else b"%x\r\n%s\r\n" % (len(chunk), chunk))
            time.sleep(reply.chunk_delay)
        if reply.cut or reply.close_delimited:
            self._drop(reset=False)
        else:
            self.wfile.write(b"0\r\n\r\n")

    def _drop(self, *, reset: bool = True) -> None:
        """Close the socket now: with an RST (a reset), or a plain FIN (the body's end)."""
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            self.connection.shutdown(socket.SHUT_RDWR)
        self.rfile.close()
        self.connection.close()
        self.close_connection = True
