"""Sending a password reset link by email, without the page's timing revealing the account."""

from __future__ import annotations

import threading

from .. import mail
from ..audit import service as audit
from ..db import write_transaction


def _body(link: str) -> str:
    return ("Someone asked to set a new password for your carer peer support tracker account.\n\n"
            f"Open this link to choose a new password. It works once, within 24 hours:\n{link}\n\n"
            "If you did not ask for this, you can ignore this email: your password has not changed.\n")


def deliver_reset(user, link: str, *, wait: bool) -> bool:
    """Email the link when email is set up. `wait=False` sends in the background (the public
    page answers at once either way). Returns whether a message was handed to the mail server."""
    if not mail.configured():
        return False

    def send() -> bool:
        try:
            mail.send(user.email, "Set a new password", _body(link))
        except mail.MailError:
            return False
        return True

    if wait:
        sent = send()
        with write_transaction():
            audit.record(None, "user.reset_emailed" if sent else "user.reset_email_failed", "user", user.id,
                         "Reset link emailed" if sent else "Reset link could not be emailed")
        return sent
    threading.Thread(target=send, daemon=True).start()
    return True
