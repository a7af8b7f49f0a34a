"""Who trained whom, as recursive queries (one query each, with a depth limit).

An original certification (one that renews nothing) is an edge certifier -> person in the
cascade graph. Generation 0 are the founding trainers; everyone else is one generation below
the person who first certified them. Revocation ends someone's right to certify but does not
rewrite history, so revoked certifications stay in the graph.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, Value, fn

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


def generations(person_ids: list[int] | None = None, limit: int = DEPTH_LIMIT) -> dict[int, int]:
    """Generation of every person in the cascade (or of the given ids), in one recursive query."""
    base = Person.select(Person.id.alias("person_id"), Value(0).alias("generation")).where(
        Person.founding_trainer == True)  # noqa: E712
    cte = base.cte("gen", recursive=True, columns=("person_id", "generation"))
    C = Certification
    step = (C.select(C.person, cte.c.generation + 1)
            .join(cte, on=(C.certified_by == cte.c.person_id))
            .where(C.renewal_of.is_null() & (cte.c.generation < limit)))
    cte = cte.union_all(step)
    query = (cte.select_from(cte.c.person_id, fn.MIN(cte.c.generation))
             .group_by(cte.c.person_id))
    if person_ids is not None:
        query = query.where(cte.c.person_id.in_(person_ids))
    return {pid: gen for pid, gen in query.tuples()}


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

    gens = generations()
    edges = dict(Certification.select(Certification.person, Certification.certified_by)
                 .where(Certification.renewal_of.is_null()).tuples())
    people = (Person.select(Person.id, Person.given_name, Person.family_name, Site.code)
              .join(Site, JOIN.INNER, on=(Person.site == Site.id)).tuples())
    nodes: dict[int, TreeNode] = {}
    for pid, given, family, code in people:
        if pid not in gens:
            continue  # not in the cascade yet
        nodes[pid] = TreeNode(pid, f"{given} {family}", code, gens[pid], edges.get(pid), [])
    included = set(nodes)
    if site_id is not None:
        site_code = Site.get_by_id(site_id).code
        included = {pid for pid, node in nodes.items() if node.site_code == site_code}
    if visible is not None:
        included &= visible
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

