"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the email tests."""

from __future__ import annotations

import socket
from contextlib import contextmanager
from email import message_from_bytes


class _Keep:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content)
        self.messages.append({"to": list(envelope.rcpt_tos), "subject": message["Subject"],
                              "body": message.get_payload(decode=True).decode("utf-8")})
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server():
    """Yields (url for CASCADE_SMTP_URL, list of messages received)."""
    from aiosmtpd.controller import Controller

    handler = _Keep()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp+insecure://127.0.0.1:{port}", handler.messages
    finally:
        controller.stop()
