"""The support blueprint (carers, matches, contacts) and who may use its pages."""

from __future__ import annotations

from flask import Blueprint

from ..accounts import roles

bp = Blueprint("support", __name__)
CARER_VIEWERS = (*roles.STAFF, roles.SUPPORTER, roles.TRAINER)
