"""A receiving test server (a local http.server thread) for outbound webhooks (API-3)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from integrations.delivery import signature_verify
from integrations.services import endpoint_save

SECRET = "receiver-shared-secret-0123456789"


@dataclass
class Received:
    headers: dict
    body: bytes
    # Checked as it arrives (a receiver checks the timestamp against its own clock).
    signature_ok: bool = False

    @property
    def document(self) -> dict:
        return json.loads(self.body)

    @classmethod
    def arrived(cls, headers: dict, body: bytes) -> Received:
        header = headers.get("X-Desk-Signature", "")
        return cls(headers, body, signature_verify(secret=SECRET, body=body, header=header))


@dataclass
class Receiver:
    """Answers with the queued (status, delay) pairs, then 200; records every request."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    answers: list[tuple[int, float]] = field(default_factory=list)

    def answer(self, *pairs) -> None:
        self.answers.extend((p, 0.0) if isinstance(p, int) else p for p in pairs)

    @property
    def event_ids(self) -> list[str]:
        return [r.document["id"] for r in self.received]


@pytest.fixture
def receiver():
    state = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                state.received.append(Received.arrived(dict(self.headers.items()), body))
                code, delay = state.answers.pop(0) if state.answers else (200, 0.0)
            if delay:
                time.sleep(delay)
            payload = b'{"ok": true}' if code < 300 else b"receiver trouble"
            try:
                self.send_response(code)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/desk"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def private_allowed(settings):
    """The test receiver listens on loopback: the admin setting allows private targets."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture
def endpoint(db, receiver, private_allowed, admin_user):
    return endpoint_save(
        actor=admin_user,
        name="Ticketing system",
        url=receiver.url,
        secret=SECRET,
        event_types=["*"],
        source_system="tickets",
    )
