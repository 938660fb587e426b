"""Real servers on 127.0.0.1 for the notification tests: SMTP (aiosmtpd, optionally STARTTLS
with a self-signed certificate and a login) and an HTTP endpoint that takes webhook posts.

``smtp_server(...)`` and ``webhook_server()`` are context managers; import ``smtp_fixture`` into a
test module for the plain ``smtp`` fixture.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from store_pipeline.defs.resources.smtp import SmtpMailer

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One message as the server got it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool
    login: str | None


@dataclass
class SmtpServer:
    """A running server: where it listens, what it received, the logins it was offered."""

    port: int
    received: list[Received] = field(default_factory=list)
    passwords_seen: list[str] = field(default_factory=list)

    def mailer(self, **overrides: object) -> SmtpMailer:
        values = {"host": HOST, "port": self.port, "sender": "pipeline@example.com",
                  "timeout": 10.0} | overrides
        return SmtpMailer(**values)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        login = session.auth_data.login.decode() if session.authenticated else None
        self.server.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                             message, session.ssl is not None, login))
        return "250 OK"


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (at the time of asking)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _authenticator(server: SmtpServer, user: str, password: str):
    def check(smtp, session, envelope, mechanism, data) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login.decode() == user
        if isinstance(data, LoginPassword):
            server.passwords_seen.append(data.password.decode())
        return AuthResult(success=ok and data.password.decode() == password, auth_data=data)
    return check


@contextlib.contextmanager
def smtp_server(*, cert: Path | None = None, key: Path | None = None, user: str | None = None,
                password: str | None = None) -> Iterator[SmtpServer]:
    """An SMTP server; with ``cert``/``key`` it requires STARTTLS, with ``user`` a login."""
    server = SmtpServer(port=free_port())
    options: dict[str, object] = {"hostname": HOST, "port": server.port,
                                  "server_hostname": "mail.test", "data_size_limit": 64 << 20}
    if cert and key:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        options |= {"tls_context": context, "require_starttls": True}
    if user:
        options |= {"authenticator": _authenticator(server, user, password or ""),
                    "auth_require_tls": bool(cert), "auth_required": True}
    controller = Controller(_Handler(server), **options)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture(name="smtp")
def smtp_fixture() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (IP SAN) and its key, as PEM files in ``folder``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class WebhookServer:
    url: str
    posts: list[dict] = field(default_factory=list)


@contextlib.contextmanager
def webhook_server() -> Iterator[WebhookServer]:
    """An HTTP server on 127.0.0.1 that records the JSON body of each POST."""
    hook = WebhookServer(url="")

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hook.posts.append(json.loads(body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = HTTPServer((HOST, 0), Receiver)
    hook.url = f"http://{HOST}:{httpd.server_port}/hooks/T000/secret-token"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        httpd.shutdown()
        httpd.server_close()
