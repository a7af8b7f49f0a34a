"""Input that no page may receive: NUL and other control characters in any form field or query
parameter (PostgreSQL refuses NUL in text; none of them is ever typed by a person). Refused with
a 400 page that says what to do, before any view runs."""

from __future__ import annotations

import re

from flask import request

# Tab, line feed and carriage return are allowed (text boxes); every other C0 control and DEL is not.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ControlCharacter(ValueError):
    pass


def _values():
    for key, value in request.args.items(multi=True):
        yield key, value
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            yield key, value
    yield "path", request.path


def init_app(app) -> None:
    @app.before_request
    def _refuse_control_characters():
        from .errors import page

        for key, value in _values():
            if CONTROL.search(key) or CONTROL.search(value):
                return page(400, "Something you sent cannot be read",
                            "It contains a hidden control character (for example from copying and pasting). "
                            "Type it again and try once more.")
        return None
