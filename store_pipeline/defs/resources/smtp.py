"""The SMTP server that sends stakeholder e-mails and IT alerts (``STORE_PIPELINE_SMTP_*``)."""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email.message import EmailMessage
from typing import TypeVar

import dagster as dg
from pydantic import Field

ENV_PREFIX = "STORE_PIPELINE_SMTP_"
PASSWORD_ENV = ENV_PREFIX + "PASSWORD"
_TEXT_ENV = {"host": "HOST", "user": "USER", "sender": "FROM", "ca_file": "CA_FILE"}
_TRUE = {"1", "true", "yes", "on"}

Send = Callable[[EmailMessage], object]
T = TypeVar("T")


class MailError(RuntimeError):
    """The SMTP server could not be reached or refused a message."""


class SmtpMailer(dg.ConfigurableResource):
    """Sends through ``host``; with no host, e-mail is off and nothing is sent.

    ``starttls`` upgrades the connection before logging in, verifying the server's certificate
    (against ``ca_file`` when given, else the system's CAs). Give the password as
    ``EnvVar("STORE_PIPELINE_SMTP_PASSWORD")``: it is never logged or shown.
    """

    host: str = ""
    port: int = 25
    user: str = ""
    password: str = Field(default="", repr=False, description=f"EnvVar({PASSWORD_ENV!r})")
    sender: str = "store-pipeline@localhost"
    starttls: bool = False
    ca_file: str = ""
    timeout: float = 30.0

    @classmethod
    def from_env(cls) -> SmtpMailer:
        """Configure from ``STORE_PIPELINE_SMTP_*``; the password stays an ``EnvVar``."""
        values: dict[str, object] = {
            field: os.environ[ENV_PREFIX + var] for field, var in _TEXT_ENV.items()
            if os.environ.get(ENV_PREFIX + var)}
        if port := os.environ.get(ENV_PREFIX + "PORT"):
            if not port.isdigit():
                raise MailError(f"{ENV_PREFIX}PORT={port!r} is not a port number")
            values["port"] = int(port)
        if starttls := os.environ.get(ENV_PREFIX + "STARTTLS"):
            values["starttls"] = starttls.strip().lower() in _TRUE
        if os.environ.get(PASSWORD_ENV):
            values["password"] = dg.EnvVar(PASSWORD_ENV)
        return cls(**values)

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    def describe(self) -> str:
        """``smtp://user@host:port`` (no password), for logs and errors."""
        user = f"{self.user}@" if self.user else ""
        return f"smtp://{user}{self.host}:{self.port}" + (" (STARTTLS)" if self.starttls else "")

    @contextmanager
    def session(self) -> Iterator[Send]:
        """One connection, logged in when a user is set; yields ``send(message)``."""
        smtp = self._guarded("connect", self._connect)
        try:
            yield lambda message: self._guarded(
                f"send to {message['To']}", lambda: smtp.send_message(message))
        finally:
            with suppress(OSError, smtplib.SMTPException):
                smtp.quit()

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls:
                smtp.starttls(context=self._tls_context())
            if self.user:
                smtp.login(self.user, self._password())
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _guarded(self, action: str, call: Callable[[], T]) -> T:
        """``call()``, with an SMTP or network failure reported as a ``MailError``."""
        try:
            return call()
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"{self.describe()}: {action}: {error}") from None

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file or None)

    def _password(self) -> str:
        if isinstance(self.password, dg.EnvVar):
            return self.password.get_value() or ""
        return self.password
