"""Serve the built training site: the supporter edition to anyone, the trainer edition to trainers.

Mounted when CASCADE_SITE_DIR points at build/site (the README's run command sets it).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, send_from_directory

from ..accounts import roles
from .guard import allow, public

bp = Blueprint("site", __name__, url_prefix="/site")
TRAINER_EDITION_ROLES = (roles.ADMIN, roles.PROGRAMME_LEAD, roles.SITE_LEAD, roles.TRAINER, roles.LEAP_REVIEWER)


def _serve(edition: str, path: str):
    root = Path(current_app.config["SITE_DIR"]) / edition
    if not root.is_dir():
        abort(404)
    target = root / path
    if path == "" or path.endswith("/") or target.is_dir():
        path = path.rstrip("/") + "/index.html" if path else "index.html"
    return send_from_directory(root, path)


@bp.get("/")
@public
def supporter_index():
    return redirect("/site/supporter/")


@bp.get("/supporter/", defaults={"path": ""})
@bp.get("/supporter/<path:path>")
@public
def supporter(path: str):
    return _serve("supporter", path)


@bp.get("/trainer/", defaults={"path": ""})
@bp.get("/trainer/<path:path>")
@allow(*TRAINER_EDITION_ROLES)
def trainer(path: str):
    return _serve("trainer", path)
