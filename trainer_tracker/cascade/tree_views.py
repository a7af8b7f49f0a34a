"""Cascade pages: the tree of who trained and certified whom, a page at a time."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from .. import access
from ..accounts import roles
from ..web.guard import allow
from ..web.paging import page_number
from . import lineage
from .blueprint import (
    bp,
)
from .models import (
    Person,
    Site,
)

TREE_PAGE_SIZE = 100  # people per page of the cascade tree


@bp.get("/cascade")
@allow(*roles.CASCADE_VIEWERS)
def tree():
    site_code = request.args.get("site", "").upper()
    site = Site.get_or_none(Site.code == site_code) if site_code else None
    if current_user.role == roles.SITE_LEAD:
        site = Site.get_by_id(current_user.site_id)
    # The tree is read a page at a time in the order of each person's kept tree path (founding
    # trainer down to them: figures/generations.py), so the national cascade costs one page.
    scope = Person.tree_path.is_null(False)
    if site is not None:
        scope &= Person.site == site.id
    if current_user.role not in roles.CENTRAL:
        scope &= Person.id.in_(access.people(current_user).select(Person.id))
    query = (Person.select(Person.id, Person.given_name, Person.family_name, Site.code, Person.generation,
                           Person.tree_path)
             .join(Site, on=(Person.site == Site.id)).where(scope))
    total = query.count()
    pages = max(1, -(-total // TREE_PAGE_SIZE))
    page = min(page_number(), pages)
    found = list(query.order_by(Person.tree_path).paginate(page, TREE_PAGE_SIZE).tuples())
    ancestors = {int(a) for *_, path in found for a in path.split("/")[:-1]}
    # The nearest ancestor in scope is each person's parent here (someone in another site or out
    # of view is skipped, so the shape stays readable).
    in_scope = {pid: (f"{given} {family}", code, generation) for pid, given, family, code, generation in
                Person.select(Person.id, Person.given_name, Person.family_name, Site.code, Person.generation)
                .join(Site, on=(Person.site == Site.id))
                .where(scope & Person.id.in_(sorted(ancestors))).tuples()} if ancestors else {}
    nodes = {pid: lineage.TreeNode(pid, f"{given} {family}", code, generation,
                                   int(path.split("/")[-2]) if "/" in path else None, [])
             for pid, given, family, code, generation, path in found}
    rows = []
    for pid, *_, path in found:
        parent_id = next((int(a) for a in reversed(path.split("/")[:-1]) if int(a) in nodes or int(a) in in_scope),
                         None)
        parent = nodes.get(parent_id)
        if parent is None and parent_id is not None:
            name, code, generation = in_scope[parent_id]
            parent = lineage.TreeNode(parent_id, name, code, generation, None, [])
        if parent_id in nodes:
            nodes[parent_id].children.append(nodes[pid])
        rows.append((nodes[pid], parent))
    on_page = set(nodes)
    # People whose trainer is on another page start their own branch here.
    page_roots = [node for node, parent in rows if parent is None or parent.id not in on_page]
    sites = list(Site.select().order_by(Site.name))
    return render_template("cascade/tree.html", roots=page_roots, rows=rows, on_page=on_page, site=site, sites=sites,
                           page=page, pages=pages, total=total, first=(page - 1) * TREE_PAGE_SIZE + 1,
                           can_filter=current_user.role in roles.CENTRAL or current_user.role == roles.TRAINER)
