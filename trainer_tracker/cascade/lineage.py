"""Who trained whom, as recursive queries (one query each, with a depth limit).

An original certification (one that renews nothing) is an edge certifier -> person in the
cascade graph. Generation 0 are the founding trainers; everyone else is one generation below
the person who first certified them. Revocation ends someone's right to certify but does not
rewrite history, so revoked certifications stay in the graph.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, Select, Value, fn

from .models import Certification, Person

DEPTH_LIMIT = 32  # far deeper than any real cascade; stops a corrupt cycle from looping


@dataclass(frozen=True)
class LineageStep:
    depth: int  # 1 = the person's own certifier
    certifier_id: int
    certifier_name: str
    certifier_founding: bool
    certification_id: int


def lineage(person_id: int, limit: int = DEPTH_LIMIT) -> list[LineageStep]:
    """The chain of certifiers from a person up to generation 0, in one recursive query."""
    C = Certification
    base = (C.select(C.id.alias("cert_id"), C.person.alias("person_id"),
                     C.certified_by.alias("certifier_id"), Value(1).alias("depth"))
            .where((C.person == person_id) & C.renewal_of.is_null()))
    cte = base.cte("lineage", recursive=True, columns=("cert_id", "person_id", "certifier_id", "depth"))
    C2 = Certification.alias("c2")
    step = (C2.select(C2.id, C2.person, C2.certified_by, cte.c.depth + 1)
            .join(cte, on=(C2.person == cte.c.certifier_id))
            .where(C2.renewal_of.is_null() & (cte.c.depth < limit)))
    cte = cte.union_all(step)
    query = (Person.select(cte.c.depth, cte.c.certifier_id, cte.c.cert_id, Person.given_name,
                           Person.family_name, Person.founding_trainer)
             .join(cte, on=(Person.id == cte.c.certifier_id))
             .with_cte(cte)
             .order_by(cte.c.depth)
             .tuples())
    steps, seen = [], set()
    for depth, certifier_id, cert_id, given, family, founding in query:
        if certifier_id in seen:  # defensive: a cycle would repeat people
            break
        seen.add(certifier_id)
        steps.append(LineageStep(depth, certifier_id, f"{given} {family}", bool(founding), cert_id))
    return steps


def generation_from(steps: list[LineageStep], founding: bool) -> int | None:
    if founding:
        return 0
    for step in steps:
        if step.certifier_founding:
            return step.depth
    return None


def _generation_paths(limit: int):
    """Recursive CTE `gen(person_id, generation)`: one row per certification path from a founding
    trainer (generation 0); a person's generation is the MIN over their rows."""
    base = Person.select(Person.id.alias("person_id"), Value(0).alias("generation")).where(
        Person.founding_trainer == True)  # noqa: E712
    cte = base.cte("gen", recursive=True, columns=("person_id", "generation"))
    C = Certification
    step = (C.select(C.person, cte.c.generation + 1)
            .join(cte, on=(C.certified_by == cte.c.person_id))
            .where(C.renewal_of.is_null() & (cte.c.generation < limit)))
    return cte.union_all(step)


def generations(person_ids: list[int] | None = None, limit: int = DEPTH_LIMIT) -> dict[int, int]:
    """Generation of every person in the cascade (or of the given ids), in one recursive query."""
    cte = _generation_paths(limit)
    query = (cte.select_from(cte.c.person_id, fn.MIN(cte.c.generation))
             .group_by(cte.c.person_id))
    if person_ids is not None:
        query = query.where(cte.c.person_id.in_(person_ids))
    return {pid: gen for pid, gen in query.tuples()}


def generation_totals(site_id: int | None = None, limit: int = DEPTH_LIMIT) -> dict[int, int]:
    """How many people (of one site) are in each generation, counted in the database (one query):
    the same figures as counting generations() in Python, without reading every person."""
    cte = _generation_paths(limit)
    per_person = (Person.select(Person.id, fn.MIN(cte.c.generation).alias("generation"))
                  .join(cte, on=(Person.id == cte.c.person_id))
                  .group_by(Person.id)
                  .with_cte(cte))
    if site_id is not None:
        per_person = per_person.where(Person.site == site_id)
    firsts = per_person.alias("firsts")
    query = (Select([firsts], [firsts.c.generation, fn.COUNT(firsts.c.id)])
             .group_by(firsts.c.generation)
             .order_by(firsts.c.generation))
    return {int(gen): count for gen, count in query.bind(Person._meta.database).tuples()}


def descendants(person_id: int, limit: int = DEPTH_LIMIT) -> set[int]:
    """Everyone certified by this person, directly or further down (for cycle checks)."""
    C = Certification
    base = C.select(C.person.alias("person_id"), Value(1).alias("depth")).where(
        (C.certified_by == person_id) & C.renewal_of.is_null())
    cte = base.cte("down", recursive=True, columns=("person_id", "depth"))
    C2 = Certification.alias("c2")
    step = (C2.select(C2.person, cte.c.depth + 1)
            .join(cte, on=(C2.certified_by == cte.c.person_id))
            .where(C2.renewal_of.is_null() & (cte.c.depth < limit)))
    cte = cte.union_all(step)
    return {pid for (pid,) in cte.select_from(cte.c.person_id).tuples()}


@dataclass
class TreeNode:
    id: int
    name: str
    site_code: str
    generation: int | None
    certified_by: int | None
    children: list[TreeNode]


def tree(site_id: int | None = None, visible: set[int] | None = None) -> list[TreeNode]:
    """The cascade as a forest from generation 0, optionally limited to one site's people.

    People outside the site or not visible are left out, but their visible descendants are
    kept and attached to the nearest visible ancestor, so the shape stays readable.
    """
    from .models import Site

    if site_id is None and visible is None:
        gens = generations()
        edges = dict(Certification.select(Certification.person, Certification.certified_by)
                     .where(Certification.renewal_of.is_null()).tuples())
        people = (Person.select(Person.id, Person.given_name, Person.family_name, Site.code)
                  .join(Site, JOIN.INNER, on=(Person.site == Site.id)).tuples())
    else:
        gens, edges, people = _scoped(site_id, visible)
    nodes: dict[int, TreeNode] = {}
    wanted: set[int] = set()
    for pid, given, family, code, *in_scope in people:
        if pid not in gens:
            continue  # not in the cascade yet
        nodes[pid] = TreeNode(pid, f"{given} {family}", code, gens[pid], edges.get(pid), [])
        if in_scope and in_scope[0]:
            wanted.add(pid)
    included = set(nodes) if site_id is None and visible is None else wanted
    if visible is not None:
        included &= visible
    return _forest(nodes, included)


def _scoped(site_id: int | None, visible: set[int] | None, limit: int = DEPTH_LIMIT):
    """Generations, edges and people for one site's (or the visible people's) part of the tree.

    Only the people in scope and their ancestors are read: one recursive query walks up from the
    people in scope to generation 0 (UNION, so shared ancestors are walked once), then one query
    reads those people. Generations are then counted down from the founding trainers within
    that set, which gives the same numbers as generations() for everyone in it: every path from
    a founding trainer to a person runs through that person's ancestors.
    """
    from .models import Site

    scope = Person.select(Person.id)
    if site_id is not None:
        scope = scope.where(Person.site == site_id)
    if visible is not None:
        scope = scope.where(Person.id.in_(sorted(visible)))
    C = Certification
    base = C.select(C.person.alias("person_id"), C.certified_by.alias("certifier_id")).where(
        C.renewal_of.is_null() & C.person.in_(scope))
    cte = base.cte("up", recursive=True, columns=("person_id", "certifier_id"))
    C2 = Certification.alias("c2")
    step = (C2.select(C2.person, C2.certified_by)
            .join(cte, on=(C2.person == cte.c.certifier_id))
            .where(C2.renewal_of.is_null()))
    cte = cte.union(step)
    edge_rows = list(cte.select_from(cte.c.person_id, cte.c.certifier_id).tuples())
    ancestors = {certifier for _, certifier in edge_rows}
    in_scope = (Person.site == site_id) if site_id is not None else Person.id.in_(sorted(visible or ()))
    if visible is not None and site_id is not None:
        in_scope &= Person.id.in_(sorted(visible))
    people = list(Person.select(Person.id, Person.given_name, Person.family_name, Site.code, in_scope,
                                Person.founding_trainer)
                  .join(Site, JOIN.INNER, on=(Person.site == Site.id))
                  .where(in_scope | Person.id.in_(sorted(ancestors)))
                  .tuples())
    children: dict[int, list[int]] = {}
    edges: dict[int, int] = {}
    for person_id, certifier_id in edge_rows:
        children.setdefault(certifier_id, []).append(person_id)
        edges[person_id] = certifier_id
    # Breadth first from the founding trainers: the first visit is the shortest path (MIN).
    gens = {pid: 0 for pid, *_rest, founding in people if founding}
    frontier = list(gens)
    while frontier:
        following = []
        for pid in frontier:
            if gens[pid] >= limit:
                continue
            for child in children.get(pid, ()):
                if child not in gens:
                    gens[child] = gens[pid] + 1
                    following.append(child)
        frontier = following
    return gens, edges, [(pid, given, family, code, bool(flag)) for pid, given, family, code, flag, _ in people]


def _forest(nodes: dict[int, TreeNode], included: set[int]) -> list[TreeNode]:
    roots: list[TreeNode] = []
    for pid in sorted(included, key=lambda p: (nodes[p].generation or 0, nodes[p].name)):
        node = nodes[pid]
        parent = node.certified_by
        while parent is not None and parent not in included:
            parent = nodes[parent].certified_by if parent in nodes else None
        if parent is None:
            roots.append(node)
        else:
            nodes[parent].children.append(node)
    return roots

