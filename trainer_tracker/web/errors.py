"""Generic error pages: they say what to do next and reveal nothing about the system."""

from __future__ import annotations

from flask import render_template
from flask_wtf.csrf import CSRFError

from ..errors import NotVisible

MESSAGES = {
    400: ("Something went wrong with that request", "Go back and try again."),
    403: ("You cannot open this page", "Your account does not give you access to it. "
          "If you think it should, ask your site lead or the programme team."),
    404: ("Page not found", "Check the address, or go back to the start."),
    405: ("That action is not allowed here", "Go back and use the buttons on the page."),
    429: ("Too many attempts", "Wait a few minutes and try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. Nothing you entered has been "
          "saved in part: a change is either saved whole or not at all."),
}


def page(code: int, title: str | None = None, body: str | None = None):
    default_title, default_body = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title or default_title,
                           body=body or default_body), code


def init_app(app) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda exc, code=code: page(code))

    # One not-found rule for every view: a record that does not exist and a record this user may
    # not see look the same (access.* raises NotVisible for both).
    app.register_error_handler(NotVisible, lambda exc: page(404))

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return page(400, "Your form has expired",
                     "For your security, forms stop working after a while or when you sign in again. "
                     "Go back, reload the page and try again.")
