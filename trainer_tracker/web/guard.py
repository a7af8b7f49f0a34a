"""Deny by default: every route declares who may use it, or it is refused.

    @bp.get("/courses")
    @allow(*roles.CASCADE_VIEWERS)
    def courses(): ...

A route without a declaration answers 403 to everyone (and tests/tracker/test_access.py fails).
Record-level checks (may this user see *this* person?) live in trainer_tracker.access.
"""

from __future__ import annotations

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

PUBLIC = "public"


def allow(*roles: str):
    """Allow these roles (signed in) to use the route."""
    if not roles:
        raise ValueError("allow() needs at least one role; use @public for open routes")

    def decorate(view):
        view.access_rule = frozenset(roles)
        return view

    return decorate


def public(view):
    """Anyone may use the route, signed in or not."""
    view.access_rule = PUBLIC
    return view


def rule_for(endpoint: str):
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


# Until the second step of sign-in is done, a session may open only these.
SECOND_STEP_ENDPOINTS = frozenset({"auth.second_step", "auth.two_step", "auth.logout"})


def _second_step_redirect():
    from ..accounts import sessions, twostep

    row = sessions.current()
    if row is None or row.second_step_done or request.endpoint in SECOND_STEP_ENDPOINTS:
        return None
    return redirect(url_for("auth.second_step" if twostep.enabled(current_user) else "auth.two_step"))


def init_app(app, login_manager) -> None:
    @app.before_request
    def _guard():
        endpoint = request.endpoint
        if endpoint is None:
            return None  # no such route: 404 follows
        if endpoint == "static" or endpoint.endswith(".static"):
            return None
        rule = rule_for(endpoint)
        if rule is None:
            abort(403)
        if current_user.is_authenticated:
            pending = _second_step_redirect()
            if pending is not None:
                return pending
        if rule == PUBLIC:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role not in rule:
            abort(403)
        return None
