"""Each person's generation and place in the tree, kept on the person row.

Generation 0 are the founding trainers; everyone else is one below the person who first certified
them (cascade/lineage.py's recursive query gives the same numbers from scratch). `tree_path` is
the chain of ids from a founding trainer down to the person ("0000000003/0000000042"): ordering by
it lists the tree depth first, children in the order they joined, so the tree page reads one page
of people with one indexed query. Both only change when someone is certified or made a founding
trainer; their descendants then move with them.
"""

from __future__ import annotations

from ..cascade.lineage import DEPTH_LIMIT
from ..cascade.models import Certification, Person


def segment(person_id: int) -> str:
    return f"{person_id:010d}"


def _computed(person_id: int) -> tuple[int | None, str | None]:
    """(generation, tree path) from the founding flag and the certifier's kept place."""
    founding = Person.select(Person.founding_trainer).where(Person.id == person_id).scalar()
    if founding:
        return 0, segment(person_id)
    certifier = Person.alias("certifier")
    row = (Certification.select(certifier.generation, certifier.tree_path)
           .join(certifier, on=(Certification.certified_by == certifier.id))
           .where((Certification.person == person_id) & Certification.renewal_of.is_null()
                  & certifier.generation.is_null(False))
           .order_by(certifier.generation, Certification.id).tuples().first())
    if row is None:
        return None, None
    return row[0] + 1, f"{row[1]}/{segment(person_id)}"


def refresh(person_id: int) -> set[int]:
    """Work out this person's place again and move their descendants with it; returns the ids of
    everyone whose generation changed (their fidelity figures are grouped again)."""
    changed: set[int] = set()
    frontier = [person_id]
    for _ in range(DEPTH_LIMIT):
        if not frontier:
            break
        following = []
        for pid in frontier:
            new = _computed(pid)
            old = Person.select(Person.generation, Person.tree_path).where(Person.id == pid).tuples().get()
            if new == old and pid != person_id:
                continue
            if new != old:
                Person.update(generation=new[0], tree_path=new[1]).where(Person.id == pid).execute()
                if new[0] != old[0]:
                    changed.add(pid)
            following += [p for (p,) in Certification.select(Certification.person)
                          .where((Certification.certified_by == pid) & Certification.renewal_of.is_null())
                          .tuples()]
        frontier = following
    return changed


def rebuild() -> None:
    """Every person's place from the certification graph, breadth first from the founding trainers
    (the first path found is the shortest: a person's generation is their shortest path)."""
    children: dict[int, list[tuple[int, int]]] = {}
    for cert_id, person, certifier in (Certification.select(Certification.id, Certification.person,
                                                            Certification.certified_by)
                                       .where(Certification.renewal_of.is_null()).tuples()):
        children.setdefault(certifier, []).append((cert_id, person))
    place: dict[int, tuple[int, str]] = {}
    frontier = [pid for (pid,) in Person.select(Person.id).where(Person.founding_trainer == True)  # noqa: E712
                .order_by(Person.id).tuples()]
    for pid in frontier:
        place[pid] = (0, segment(pid))
    for _ in range(DEPTH_LIMIT):
        following = []
        for pid in frontier:
            generation, path = place[pid]
            for _cert, child in sorted(children.get(pid, ())):
                if child not in place:
                    place[child] = (generation + 1, f"{path}/{segment(child)}")
                    following.append(child)
        if not following:
            break
        frontier = sorted(following)
    Person.update(generation=None, tree_path=None).where(Person.generation.is_null(False)
                                                         | Person.tree_path.is_null(False)).execute()
    by_value: dict[int, list[int]] = {}
    for pid, (generation, _path) in place.items():
        by_value.setdefault(generation, []).append(pid)
    for generation, ids in by_value.items():
        for start in range(0, len(ids), 5000):
            Person.update(generation=generation).where(Person.id.in_(ids[start:start + 5000])).execute()
    from peewee import Case

    items = sorted(place.items())
    for start in range(0, len(items), 500):
        chunk = items[start:start + 500]
        Person.update(tree_path=Case(Person.id, [(pid, path) for pid, (_g, path) in chunk])).where(
            Person.id.in_([pid for pid, _ in chunk])).execute()
