"""Support contacts across carers: the ones this user may see, newest first, a page at a time."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from cascade.config import programme

from .. import access
from ..accounts import roles
from ..cascade.models import Person, Site
from ..web import listing
from ..web.guard import allow
from .blueprint import bp
from .models import Carer, Contact, Match


@bp.get("/contacts")
@allow(*roles.STAFF, roles.TRAINER, roles.SUPPORTER)
def contacts():
    """By site, how people were in touch and dates, or a carer's study ID typed in; voided contacts
    are shown only when asked for."""
    modes = programme().get("contact_modes", {})
    sites = list(Site.select().order_by(Site.name)) if current_user.role in roles.CENTRAL else []
    query = (Contact.select(Contact, Match, Carer, Person)
             .join(Match, on=(Contact.match == Match.id))
             .join(Carer, on=(Match.carer == Carer.id))
             .switch(Match).join(Person, on=(Match.supporter == Person.id))
             .where(Match.carer.in_(access.carers(current_user).select(Carer.id))))
    site_code = listing.choice("site", {s.code for s in sites})
    mode = listing.choice("mode", modes)
    since, until = listing.date_arg("from"), listing.date_arg("to")
    wanted = listing.search_text().upper().replace(" ", "")
    voided = request.args.get("voided") == "yes"
    if site_code:
        query = query.where(Carer.site == next(s.id for s in sites if s.code == site_code))
    if mode:
        query = query.where(Contact.mode == mode)
    if since:
        query = query.where(Contact.contact_date >= since)
    if until:
        query = query.where(Contact.contact_date <= until)
    if wanted:
        query = query.where(listing.contains(Carer.study_id, wanted))
    if not voided:
        query = query.where(Contact.voided_at.is_null())
    page = listing.paged(query.order_by(Contact.contact_date.desc(), Contact.id.desc()), count=False)
    filters = [{"name": "q", "label": "Carer's study ID", "value": wanted, "width": 10},
               {"name": "mode", "label": "How", "value": mode, "options": [("", "Any")] + list(modes.items())},
               {"name": "from", "label": "From", "value": request.args.get("from", ""), "type": "date"},
               {"name": "to", "label": "To", "value": request.args.get("to", ""), "type": "date"},
               {"name": "voided", "label": "Voided contacts", "value": "yes" if voided else "",
                "options": [("", "Leave out"), ("yes", "Include")]}]
    if sites:
        filters.insert(1, {"name": "site", "label": "Site", "value": site_code,
                           "options": [("", "All sites")] + [(s.code, s.name) for s in sites]})
    return render_template("support/contacts.html", page=page, filters=filters, modes=modes)
