"""Email through the SMTP server in CASCADE_SMTP_URL (smtp://user:pass@host:587, STARTTLS).

Without it nothing is sent and callers show on screen what would have been emailed. Message
bodies are never logged; the audit log records that a message was sent, to whom by account id.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

DEFAULT_SENDER = "carer-peer-support@localhost"


class MailError(RuntimeError):
    """The message could not be sent; the message says why without the body."""


def smtp_url() -> str | None:
    return os.environ.get("CASCADE_SMTP_URL") or None


def configured() -> bool:
    return smtp_url() is not None


def _settings(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps", "smtp+insecure"):
        raise MailError("CASCADE_SMTP_URL must start with smtp:// (STARTTLS), smtps:// (TLS) or "
                        "smtp+insecure:// (a local test server only)")
    if not parts.hostname:
        raise MailError("CASCADE_SMTP_URL names no host: smtp://user:pass@host:587")
    default_port = {"smtp": 587, "smtps": 465, "smtp+insecure": 25}[parts.scheme]
    return {"scheme": parts.scheme, "host": parts.hostname, "port": parts.port or default_port,
            "user": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
            "sender": os.environ.get("CASCADE_MAIL_FROM") or DEFAULT_SENDER}


def send(to: str, subject: str, body: str) -> None:
    """Send one plain-text message. Raises MailError; never logs the body."""
    url = smtp_url()
    if url is None:
        raise MailError("email is not set up (CASCADE_SMTP_URL)")
    settings = _settings(url)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings["sender"], to, subject
    message.set_content(body)
    try:
        if settings["scheme"] == "smtps":
            client = smtplib.SMTP_SSL(settings["host"], settings["port"], timeout=20,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(settings["host"], settings["port"], timeout=20)
        with client:
            if settings["scheme"] == "smtp":
                client.starttls(context=ssl.create_default_context())
            if settings["user"]:
                client.login(settings["user"], settings["password"] or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"could not send email through {settings['host']}:{settings['port']} "
                        f"({type(exc).__name__})") from None
