"""Self-study from the training site (served by the tracker under /site/): a small JSON interface
the site's script uses when someone is signed in, and each person's own progress page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..accounts import roles
from ..cascade.models import Person
from ..errors import Refused
from ..web.curriculum import get_curriculum
from ..web.guard import allow, public
from . import services

bp = Blueprint("study", __name__)
STUDENTS = (roles.SUPPORTER, roles.TRAINER)


@bp.get("/study/state")
@public
def state():
    """For the site's script: whether the reader is signed in as someone whose study counts, and
    what they have recorded for this module. Nothing about anyone else; nothing when signed out."""
    if not current_user.is_authenticated or current_user.role not in STUDENTS or not current_user.person_id:
        return jsonify({"signed_in": False})
    module_id = (request.args.get("module") or "")[:80]
    version = (request.args.get("version") or "")[:20]
    from .models import StudyRecord

    row = StudyRecord.get_or_none((StudyRecord.person == current_user.person_id) & (StudyRecord.module_id == module_id)
                                  & (StudyRecord.module_version == version))
    return jsonify({"signed_in": True, "csrf_token": generate_csrf(),
                    "studied": bool(row and row.studied_at), "right": row.check_right if row else None,
                    "questions": row.check_questions if row else None})


@bp.post("/study/<module_id>")
@allow(*STUDENTS)
def record(module_id: str):
    """Mark studied and/or record a knowledge-check result (form or JSON; CSRF token in the
    X-CSRFToken header or the form)."""
    if not current_user.person_id:
        abort(403)
    data = request.get_json(silent=True) or request.form
    try:
        right = int(data["right"]) if data.get("right") not in (None, "") else None
        questions = int(data["questions"]) if data.get("questions") not in (None, "") else None
    except (TypeError, ValueError):
        return jsonify({"error": "A knowledge-check result is a number right out of the questions."}), 400
    try:
        row = services.record(current_user, Person.get_by_id(current_user.person_id), get_curriculum(),
                              module_id=module_id[:80], version=str(data.get("version") or "")[:20],
                              studied=str(data.get("studied") or "").lower() in ("1", "true", "yes", "on"),
                              right=right, questions=questions)
    except Refused as exc:
        return jsonify({"error": exc.message}), 400
    return jsonify({"studied": row.studied_at is not None, "right": row.check_right, "questions": row.check_questions})


@bp.get("/my/training")
@allow(*STUDENTS)
def my_training():
    """The modules the person's stage requires, with what they have studied and their checks."""
    if not current_user.person_id:
        return render_template("study/mine.html", rows=[], unlinked=True)
    curriculum = get_curriculum()
    stage = services.stage_of(current_user.person_id)
    mine = services.progress([current_user.person_id], curriculum, stage)[current_user.person_id]
    rows = [{"module": curriculum.by_id[m], "studied": m in mine["studied"], "check": mine["checks"].get(m)}
            for m in mine["required"] if m in curriculum.by_id]
    return render_template("study/mine.html", rows=rows, stage=stage, unlinked=False,
                           site=bool(current_app.config.get("SITE_DIR")))
