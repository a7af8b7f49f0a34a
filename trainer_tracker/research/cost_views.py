"""Research: the intervention's costs and the cost lines behind them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cascade.stats.costs import load_unit_costs

from .. import access
from ..accounts import roles
from ..audit.history import history
from ..cascade.models import Site
from ..errors import NotVisible, Refused
from ..web import listing, once
from ..web.curriculum import get_curriculum
from ..web.forms import attach
from ..web.guard import allow
from . import corrections, economics, services
from .blueprint import _scope_site, bp
from .forms import (
    CostForm,
    EditCostForm,
    VoidForm,
)
from .models import CostItem


@bp.route("/costs", methods=["GET", "POST"])
@allow(*roles.STAFF, roles.RESEARCHER)
def costs():
    table = load_unit_costs()
    form = CostForm()
    sites = Site.select().order_by(Site.name)
    if current_user.role == roles.SITE_LEAD:
        sites = sites.where(Site.id == current_user.site_id)
    form.site.choices = [(s.id, s.name) for s in sites]
    form.category.choices = list(services.COST_CATEGORIES.items())
    form.unit_cost_key.choices = [("", "None: I will give an amount")] + [
        (key, f"{c.label} ({c.unit})") for key, c in table.costs.items()]
    if request.method == "POST":
        if current_user.role not in roles.STAFF:
            abort(403)
        if form.validate_on_submit():
            site = Site.get_or_none(Site.id == form.site.data)
            if site is None or not access.can_manage_people(current_user, site.id):
                abort(403)
            try:
                with once.claim(form):
                    services.add_cost_item(current_user, site=site, category=form.category.data,
                                           occurred_on=form.occurred_on.data, quantity=form.quantity.data,
                                           unit_cost_key=form.unit_cost_key.data or "", amount=form.amount.data,
                                           description=form.description.data or "", table=table)
            except Refused as exc:
                attach(form, exc)
            else:
                flash("Cost recorded.", "success")
                return redirect(url_for("research.costs"))
    figures = economics.compute(get_curriculum(), site_id=_scope_site(), table=table)
    page, filters = _cost_lines()
    return render_template("research/costs.html", figures=figures, table=table, form=form,
                           can_add=current_user.role in roles.STAFF, page=page, filters=filters,
                           categories=services.COST_CATEGORIES)


def _cost_lines():
    """The cost lines behind the figures, newest first, a page at a time: by category and dates."""
    category = listing.choice("category", services.COST_CATEGORIES)
    since, until = listing.date_arg("from"), listing.date_arg("to")
    lines = CostItem.select(CostItem, Site).join(Site)
    if _scope_site() is not None:
        lines = lines.where(CostItem.site == _scope_site())
    if category:
        lines = lines.where(CostItem.category == category)
    if since:
        lines = lines.where(CostItem.occurred_on >= since)
    if until:
        lines = lines.where(CostItem.occurred_on <= until)
    page = listing.paged(lines.order_by(CostItem.occurred_on.desc(), CostItem.id.desc()))
    filters = [{"name": "category", "label": "Category", "value": category,
                "options": [("", "Any")] + list(services.COST_CATEGORIES.items())},
               {"name": "from", "label": "From", "value": since.isoformat() if since else "", "type": "date"},
               {"name": "to", "label": "To", "value": until.isoformat() if until else "", "type": "date"}]
    return page, filters


def _cost(item_id: int) -> CostItem:
    row = CostItem.get_or_none(CostItem.id == item_id)
    if row is None or not access.can_manage_people(current_user, row.site_id):
        raise NotVisible(item_id)
    return row


@bp.route("/costs/<int:item_id>/edit", methods=["GET", "POST"])
@allow(*roles.STAFF)
def edit_cost(item_id: int):
    row = _cost(item_id)
    table = load_unit_costs()
    form = EditCostForm(data={"category": row.category, "occurred_on": row.occurred_on,
                              "unit_cost_key": row.unit_cost_key, "quantity": str(row.quantity),
                              "amount": "" if row.amount is None else str(row.amount),
                              "description": row.description} if request.method == "GET" else None)
    form.category.choices = list(services.COST_CATEGORIES.items())
    form.unit_cost_key.choices = [("", "None: I will give an amount")] + [
        (key, f"{c.label} ({c.unit})") for key, c in table.costs.items()]
    if form.validate_on_submit():
        try:
            corrections.correct_cost(current_user, row, category=form.category.data, occurred_on=form.occurred_on.data,
                                     quantity=form.quantity.data, unit_cost_key=form.unit_cost_key.data or "",
                                     amount=form.amount.data or None, description=form.description.data or "",
                                     table=table, reason=form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Cost line corrected.", "success")
            return redirect(url_for("research.costs"))
    return render_template("cascade/form_page.html", form=form, title="Correct a cost line", submit="Save correction",
                           back=url_for("research.costs"), history=history(("cost_item", row.id)))


@bp.route("/costs/<int:item_id>/void", methods=["GET", "POST"])
@allow(*roles.STAFF)
def void_cost(item_id: int):
    row = _cost(item_id)
    form = VoidForm()
    if form.validate_on_submit():
        try:
            corrections.void_cost(current_user, row, form.reason.data)
        except Refused as exc:
            attach(form, exc)
        else:
            flash("Cost line voided. It stays in the history but no longer counts.", "success")
            return redirect(url_for("research.costs"))
    return render_template("cascade/form_page.html", form=form, title="Void a cost line entered by mistake",
                           caption=f"{services.COST_CATEGORIES.get(row.category, row.category)}, {row.occurred_on:%-d %B %Y}",
                           submit="Void cost line", back=url_for("research.costs"), history=history(("cost_item", row.id)))
