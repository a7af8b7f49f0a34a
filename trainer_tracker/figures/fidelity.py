"""Fidelity sums kept per checklist version, scope (every site, or one), group and core component.

A write names the occasions it may change (a record added, a delivery or contact corrected or
voided, a person's generation moved); each is locked, its sums as last counted are taken away and
its sums now are added (cascade/stats/fidelity/kept.py), all in the write's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from peewee import EXCLUDED, Case, fn

from cascade.stats.fidelity.kept import Sums, contribution
from cascade.stats.fidelity.records import FidelityRecord as Scored

from ..cascade.models import Course, ModuleDelivery, Person
from ..db import database, is_sqlite
from ..fidelity.models import FidelityItemScore, FidelityRecord
from ..support.models import Carer, Contact, Match
from .models import FidelityOccasion, FidelitySum

OccasionKey = tuple[str, str, str]  # (checklist id, version, d<delivery id> or c<contact id>)
ALL_SITES = 0


def key_of(delivery_id: int | None, contact_id: int | None) -> str:
    return f"d{delivery_id}" if delivery_id is not None else f"c{contact_id}"


def _keys(query) -> set[OccasionKey]:
    return {(cid, ver, key_of(d, c)) for cid, ver, d, c in query.tuples()}


def _record_keys():
    return FidelityRecord.select(FidelityRecord.checklist_id, FidelityRecord.checklist_version,
                                 FidelityRecord.delivery, FidelityRecord.contact).distinct()


def for_record(record_id: int) -> None:
    refresh(_keys(_record_keys().where(FidelityRecord.id == record_id)))


def for_deliveries(delivery_ids: Iterable[int]) -> None:
    ids = sorted(set(delivery_ids))
    if ids:
        refresh(_keys(_record_keys().where(FidelityRecord.delivery.in_(ids))))


def for_contacts(contact_ids: Iterable[int]) -> None:
    ids = sorted(set(contact_ids))
    if ids:
        refresh(_keys(_record_keys().where(FidelityRecord.contact.in_(ids))))


def for_course(course_id: int) -> None:
    for_deliveries(d for (d,) in ModuleDelivery.select(ModuleDelivery.id)
                   .where(ModuleDelivery.course == course_id).tuples())


def for_carer(carer_id: int) -> None:
    for_contacts(c for (c,) in Contact.select(Contact.id).join(Match).where(Match.carer == carer_id).tuples())


def for_people(person_ids: Iterable[int]) -> None:
    """Occasions grouped by these people (deliveries they gave, contacts they had): after their
    generation changed."""
    ids = sorted(set(person_ids))
    if not ids:
        return
    refresh(_keys(_record_keys().join(ModuleDelivery, on=(FidelityRecord.delivery == ModuleDelivery.id))
                  .where(ModuleDelivery.trainer.in_(ids)))
            | _keys(_record_keys().join(Contact, on=(FidelityRecord.contact == Contact.id))
                    .join(Match, on=(Contact.match == Match.id)).where(Match.supporter.in_(ids))))


def branch_of(tree_path: str | None, generation: int | None) -> int | None:
    """The stage-one trainer (generation 1) at the top of a person's branch: the second id of their
    tree path. Occasions of generation 2 and below belong to a branch; earlier ones do not."""
    if not tree_path or generation is None or generation < 2:
        return None
    parts = tree_path.split("/")
    return int(parts[1]) if len(parts) > 1 else None


def _attributes(occasion_key: str) -> tuple[int, int | None, int, str | None, bool, int | None]:
    """(site id, generation, person, module id, counted, branch) of a delivery or contact as it is now."""
    ident = int(occasion_key[1:])
    if occasion_key[0] == "d":
        site, trainer, generation, path, module_id = (
            ModuleDelivery.select(Course.site, ModuleDelivery.trainer, Person.generation, Person.tree_path,
                                  ModuleDelivery.module_id)
            .join(Course, on=(ModuleDelivery.course == Course.id))
            .switch(ModuleDelivery).join(Person, on=(ModuleDelivery.trainer == Person.id))
            .where(ModuleDelivery.id == ident).tuples().get())
        # A delivery trains the generation below its trainer, in the trainer's branch.
        trained = None if generation is None else generation + 1
        return site, trained, trainer, module_id, True, branch_of(path, trained)
    site, supporter, generation, path, voided = (
        Contact.select(Carer.site, Match.supporter, Person.generation, Person.tree_path, Contact.voided_at)
        .join(Match, on=(Contact.match == Match.id)).join(Carer, on=(Match.carer == Carer.id))
        .switch(Match).join(Person, on=(Match.supporter == Person.id))
        .where(Contact.id == ident).tuples().get())
    return site, generation, supporter, None, voided is None, branch_of(path, generation)


def _locked(checklist_id: str, version: str, occasion_key: str) -> FidelityOccasion:
    ident = int(occasion_key[1:])
    (FidelityOccasion.insert(checklist_id=checklist_id, checklist_version=version, occasion_key=occasion_key,
                             delivery=ident if occasion_key[0] == "d" else None,
                             contact=ident if occasion_key[0] == "c" else None)
     .on_conflict_ignore().execute())
    query = FidelityOccasion.select().where((FidelityOccasion.checklist_id == checklist_id)
                                            & (FidelityOccasion.checklist_version == version)
                                            & (FidelityOccasion.occasion_key == occasion_key))
    if not is_sqlite():
        query = query.for_update()  # two raters saving at once: the second counts after the first
    return query.get()


def _scored_records(checklist_id: str, version: str, occasion_key: str) -> list[Scored]:
    ident = int(occasion_key[1:])
    column = FidelityRecord.delivery if occasion_key[0] == "d" else FidelityRecord.contact
    rows = list(FidelityRecord.select(FidelityRecord.id, FidelityRecord.rater, FidelityRecord.rater_role,
                                      FidelityRecord.recorded_by_user_id)
                .where((FidelityRecord.checklist_id == checklist_id) & (FidelityRecord.checklist_version == version)
                       & (column == ident))
                .order_by(FidelityRecord.id).tuples())
    scores: dict[int, dict] = {rid: {} for rid, *_ in rows}
    if rows:
        for rid, item_id, score in (FidelityItemScore.select(FidelityItemScore.record, FidelityItemScore.item_id,
                                                              FidelityItemScore.score)
                                    .where(FidelityItemScore.record.in_(list(scores))).tuples()):
            scores[rid][item_id] = score
    return [Scored(checklist_id, version, scores[rid], record_id=rid, rater_role=role,
                   rater_id=rater if rater is not None else f"user:{user}")
            for rid, rater, role, user in rows]


def _add(deltas: dict, scopes: tuple[int, ...], sums: dict, sign: int) -> None:
    for (dimension, group, item), value in sums.items():
        for scope in scopes:
            deltas.setdefault((scope, dimension, group, item), Sums()).plus(value, sign)


def refresh(keys: Iterable[OccasionKey]) -> None:
    """Count these occasions again: take away what they added, add what they add now."""
    by_checklist: dict[tuple[str, str], dict] = {}
    for checklist_id, version, occasion_key in sorted(set(keys)):
        occasion = _locked(checklist_id, version, occasion_key)
        records = _scored_records(checklist_id, version, occasion_key)
        site, generation, person, module_id, counted, branch = _attributes(occasion_key)
        deltas = by_checklist.setdefault((checklist_id, version), {})
        old_ids = set(json.loads(occasion.counted_records))
        if old_ids:
            old = contribution([r for r in records if r.record_id in old_ids], generation=occasion.generation,
                               person=occasion.person, module_id=occasion.module_id, branch=occasion.branch)
            _add(deltas, (ALL_SITES, occasion.site), old, -1)
        counted_records = records if counted else []
        new = contribution(counted_records, generation=generation, person=person, module_id=module_id, branch=branch)
        _add(deltas, (ALL_SITES, site), new, 1)
        whole = new.get(("all", "", ""))
        (FidelityOccasion.update(site=site, generation=generation, person=person, module_id=module_id, branch=branch,
                                 counted=bool(counted_records),
                                 percent=(whole.total if whole is not None and whole.n else None),
                                 counted_records=json.dumps([r.record_id for r in counted_records]))
         .where(FidelityOccasion.id == occasion.id).execute())
        new_ids = [r.record_id for r in records]
        if new_ids:
            FidelityRecord.update(occasion=occasion.id).where(
                FidelityRecord.id.in_(new_ids) & (FidelityRecord.occasion.is_null()
                                                  | (FidelityRecord.occasion != occasion.id))).execute()
    rows = []
    for (checklist_id, version), deltas in sorted(by_checklist.items()):
        for (scope, dimension, group, item), sums in sorted(deltas.items()):
            if sums.as_tuple() == (0, 0.0, 0.0, 0, 0):
                continue
            rows.append(dict(checklist_id=checklist_id, checklist_version=version, scope=scope, dimension=dimension,
                             grp=group, item_id=item, n=sums.n, total=sums.total, total_sq=sums.total_sq,
                             n_records=sums.n_records, n_unscored=sums.n_unscored,
                             mean=sums.total / sums.n if sums.n > 0 else None))
    _upsert(rows)


def _upsert(rows: list[dict]) -> None:
    S = FidelitySum
    n = S.n + EXCLUDED.n
    total = S.total + EXCLUDED.total
    update = {S.n: n, S.total: total, S.total_sq: S.total_sq + EXCLUDED.total_sq,
              S.n_records: S.n_records + EXCLUDED.n_records, S.n_unscored: S.n_unscored + EXCLUDED.n_unscored,
              S.mean: Case(None, [(n > 0, total / n)], None)}
    target = [S.checklist_id, S.checklist_version, S.scope, S.dimension, S.item_id, S.grp]
    for start in range(0, len(rows), 200):
        S.insert_many(rows[start:start + 200]).on_conflict(conflict_target=target, update=update).execute()


def _raw(query):
    cursor = database.execute(query)
    while rows := cursor.fetchmany(10_000):
        yield from rows


def rebuild() -> None:
    """Every occasion and sum from the raw records (for `cascade tracker refresh-figures`): read in
    a few streaming queries, summed in memory, written in bulk. Generations must be kept first."""
    FidelityRecord.update(occasion=None).where(FidelityRecord.occasion.is_null(False)).execute()
    FidelitySum.delete().execute()
    FidelityOccasion.delete().execute()
    # Each record's own fidelity %: the total over the maximum of the items that applied.
    FidelityRecord.update(percent=(FidelityItemScore.select(
        100.0 * fn.SUM(FidelityItemScore.score) / fn.NULLIF(2 * fn.COUNT(FidelityItemScore.score), 0))
        .where(FidelityItemScore.record == FidelityRecord.id))).execute()
    R = FidelityRecord
    deliveries = (R.select(R.id, R.checklist_id, R.checklist_version, R.rater, R.rater_role, R.recorded_by_user_id,
                           R.delivery, Course.site, ModuleDelivery.trainer, Person.generation, Person.tree_path,
                           ModuleDelivery.module_id)
                  .join(ModuleDelivery, on=(R.delivery == ModuleDelivery.id))
                  .join(Course, on=(ModuleDelivery.course == Course.id))
                  .switch(ModuleDelivery).join(Person, on=(ModuleDelivery.trainer == Person.id)))
    contacts = (R.select(R.id, R.checklist_id, R.checklist_version, R.rater, R.rater_role, R.recorded_by_user_id,
                         R.contact, Carer.site, Match.supporter, Person.generation, Person.tree_path, Contact.voided_at)
                .join(Contact, on=(R.contact == Contact.id)).join(Match, on=(Contact.match == Match.id))
                .join(Carer, on=(Match.carer == Carer.id))
                .switch(Match).join(Person, on=(Match.supporter == Person.id)))
    records: dict[int, tuple] = {}
    occasions: dict[OccasionKey, dict] = {}
    for rid, cid, ver, rater, role, user, delivery, site, trainer, generation, path, module_id in _raw(deliveries):
        key = (cid, ver, key_of(delivery, None))
        records[rid] = (key, rater, role, user)
        trained = None if generation is None else generation + 1
        occasions.setdefault(key, {"site": site, "person": trainer, "module_id": module_id, "counted": True,
                                   "generation": trained, "branch": branch_of(path, trained), "records": []})
    for rid, cid, ver, rater, role, user, contact, site, supporter, generation, path, voided in _raw(contacts):
        key = (cid, ver, key_of(None, contact))
        records[rid] = (key, rater, role, user)
        occasions.setdefault(key, {"site": site, "person": supporter, "module_id": None, "counted": voided is None,
                                   "generation": generation, "branch": branch_of(path, generation), "records": []})
    scores: dict[int, dict] = {rid: {} for rid in records}
    for rid, item_id, score in _raw(FidelityItemScore.select(FidelityItemScore.record, FidelityItemScore.item_id,
                                                             FidelityItemScore.score)):
        if rid in scores:
            scores[rid][item_id] = score
    for rid in sorted(records):
        key, rater, role, user = records[rid]
        occasions[key]["records"].append(Scored(key[0], key[1], scores[rid], record_id=rid, rater_role=role,
                                                rater_id=rater if rater is not None else f"user:{user}"))
    del scores, records
    totals: dict[tuple, Sums] = {}
    occasion_rows = []
    for key, occ in occasions.items():
        counted = occ["records"] if occ["counted"] else []
        sums = contribution(counted, generation=occ["generation"], person=occ["person"], module_id=occ["module_id"],
                            branch=occ["branch"])
        for (dimension, group, item), value in sums.items():
            for scope in (ALL_SITES, occ["site"]):
                totals.setdefault((key[0], key[1], scope, dimension, group, item), Sums()).plus(value)
        whole = sums.get(("all", "", ""))
        ident = int(key[2][1:])
        occasion_rows.append(dict(
            checklist_id=key[0], checklist_version=key[1], occasion_key=key[2],
            delivery=ident if key[2][0] == "d" else None, contact=ident if key[2][0] == "c" else None,
            site=occ["site"], generation=occ["generation"], person=occ["person"], module_id=occ["module_id"],
            branch=occ["branch"], counted=bool(counted), percent=whole.total if whole is not None and whole.n else None,
            counted_records=json.dumps([r.record_id for r in counted])))
    del occasions
    for start in range(0, len(occasion_rows), 1000):
        FidelityOccasion.insert_many(occasion_rows[start:start + 1000]).execute()
    del occasion_rows
    sum_rows = [dict(checklist_id=cid, checklist_version=ver, scope=scope, dimension=dimension, grp=group,
                     item_id=item, n=s.n, total=s.total, total_sq=s.total_sq, n_records=s.n_records,
                     n_unscored=s.n_unscored, mean=s.total / s.n if s.n > 0 else None)
                for (cid, ver, scope, dimension, group, item), s in totals.items()]
    for start in range(0, len(sum_rows), 1000):
        FidelitySum.insert_many(sum_rows[start:start + 1000]).execute()
    # One joined UPDATE ... FROM (SQLite 3.33+, PostgreSQL), not a subquery per record: on freshly
    # filled tables without statistics PostgreSQL planned that as a scan per record (minutes).
    Occ = FidelityOccasion
    for column, own in ((R.delivery, Occ.delivery), (R.contact, Occ.contact)):
        (R.update(occasion=Occ.id).from_(Occ)
         .where((Occ.checklist_id == R.checklist_id) & (Occ.checklist_version == R.checklist_version)
                & (own == column) & column.is_null(False))
         .execute())


# --- reading ----------------------------------------------------------------------------------

PEOPLE_SHOWN = 50


def sections(site_id: int | None) -> list[tuple[str, str, int]]:
    """(checklist id, version, records) of every checklist version recorded (in the site)."""
    S = FidelitySum
    query = (S.select(S.checklist_id, S.checklist_version, S.n_records)
             .where((S.scope == (site_id or ALL_SITES)) & (S.dimension == "all") & (S.grp == "") & (S.item_id == "")
                    & (S.n_records > 0)))
    return [tuple(row) for row in query.tuples()]


def _sums(row) -> Sums:
    return Sums(n=row[0], total=row[1], total_sq=row[2], n_records=row[3], n_unscored=row[4])


def section(key: tuple[str, str], site_id: int | None, settings, *, include_people: bool,
            person_kind: str | None = None) -> dict | None:
    """report.section()'s figures for one checklist version from the kept sums, in a few indexed
    queries; people: the PEOPLE_SHOWN with the lowest fidelity, and how many there are."""
    from cascade.stats.fidelity.kept import SumRow, section_from_sums

    from ..cascade.models import Site

    S = FidelitySum
    columns = (S.n, S.total, S.total_sq, S.n_records, S.n_unscored)
    scope = site_id or ALL_SITES
    own = (S.checklist_id == key[0]) & (S.checklist_version == key[1])
    rows = [SumRow(None, dim, grp, item, _sums(rest)) for dim, grp, item, *rest in
            S.select(S.dimension, S.grp, S.item_id, *columns)
            .where(own & (S.scope == scope) & (S.dimension != "person")).tuples()]
    codes = dict(Site.select(Site.id, Site.code).tuples())
    site_rows = S.select(S.scope, S.dimension, S.grp, S.item_id, *columns).where(
        own & (S.item_id == "") & S.dimension.in_(["all", "generation"]))
    site_rows = site_rows.where(S.scope == site_id) if site_id else site_rows.where(S.scope != ALL_SITES)
    rows += [SumRow(codes.get(scope_id, str(scope_id)), dim, grp, item, _sums(rest))
             for scope_id, dim, grp, item, *rest in site_rows.tuples()]
    people = None
    people_total = 0
    if include_people:
        person_rows = (S.select(S.dimension, S.grp, S.item_id, *columns)
                       .where(own & (S.scope == scope) & (S.dimension == "person") & (S.item_id == "")))
        lowest = list(person_rows.where(S.mean.is_null(False)).order_by(S.mean, S.grp).limit(PEOPLE_SHOWN).tuples())
        # Then the people with nothing scored, as the report sorts them (always asked, so that a page
        # runs the same queries whatever the data).
        lowest += list(person_rows.where(S.mean.is_null() & (S.n_unscored > 0)).order_by(S.grp)
                       .limit(max(1, PEOPLE_SHOWN - len(lowest))).tuples())[:PEOPLE_SHOWN - len(lowest)]
        people = [SumRow(None, dim, grp, item, _sums(rest)) for dim, grp, item, *rest in lowest]
        people_total = person_rows.where((S.n > 0) | (S.n_unscored > 0)).count()
    kind = person_kind or ("trainer_id" if _is_delivery_checklist(key) else "cps_id")
    result = section_from_sums(key[0], key[1], rows, settings, include_people=include_people, person_kind=kind,
                               people=people)
    if result is not None and include_people:
        result["people_total"] = people_total
        result["by_person"] = sorted(result["by_person"], key=lambda f: (f["mean"] is None, f["mean"] or 0,
                                                                         str(f["group"])))
    return result


def _is_delivery_checklist(key: tuple[str, str]) -> bool:
    occasion = FidelityOccasion
    return (occasion.select().where((occasion.checklist_id == key[0]) & (occasion.checklist_version == key[1])
                                    & (occasion.occasion_key >= "d") & (occasion.occasion_key < "e")).exists())


def low_records(key: tuple[str, str], site_id: int | None, low_max: float, limit: int = 25) -> list[dict]:
    """Records of one checklist version scored in the low band, lowest first."""
    R, Occ = FidelityRecord, FidelityOccasion
    query = (R.select(R.id, R.percent, Occ.site, Occ.generation, Occ.module_id, R.rater_role)
             .join(Occ, on=(R.occasion == Occ.id))
             .where((R.checklist_id == key[0]) & (R.checklist_version == key[1]) & R.percent.is_null(False)
                    & (R.percent <= low_max + 1e-9) & Occ.counted)
             .order_by(R.percent, R.id).limit(limit))
    if site_id:
        query = query.where(Occ.site == site_id)
    from ..cascade.models import Site

    codes = dict(Site.select(Site.id, Site.code).tuples())
    return [{"record_id": rid, "percent": percent, "site": codes.get(site), "generation": generation,
             "module_id": module_id, "rater_role": role}
            for rid, percent, site, generation, module_id, role in query.tuples()]


def branch_drift(key: tuple[str, str], site_id: int | None, settings) -> dict:
    """Drift by branch of the cascade: for each stage-one trainer's branch (the occasions of
    generation 2 and below under them), its mean minus generation 1's, overall and per core
    component, with Welch's interval (honest for a branch of 8 or 12 people: a t interval on few
    occasions is wide, and none is given under 2); and where observation would help most: the
    branch and component pairs whose interval reaches furthest below generation 1."""
    from cascade.stats.fidelity.kept import BRANCH, GENERATION, drift

    S = FidelitySum
    columns = (S.dimension, S.grp, S.item_id, S.n, S.total, S.total_sq, S.n_records, S.n_unscored)
    rows = (S.select(*columns).where((S.checklist_id == key[0]) & (S.checklist_version == key[1])
                                     & (S.scope == (site_id or ALL_SITES))
                                     & ((S.dimension == BRANCH) | ((S.dimension == GENERATION) & (S.grp == "1"))))
            .tuples())
    gen1: dict[str, Sums] = {}
    branches: dict[int, dict[str, Sums]] = {}
    for dim, grp, item, *sums in rows:
        value = _sums(sums)
        if value.empty:
            continue
        if dim == GENERATION:
            gen1[item] = value
        else:
            branches.setdefault(int(grp), {})[item] = value
    names = {p.id: p.name for p in Person.select().where(Person.id.in_(list(branches) or [0]))}
    overall, by_component = [], []
    for branch, items in branches.items():
        label = names.get(branch, f"person {branch}")
        for item, sums in items.items():
            found = drift(key[0], key[1], "branch", label, gen1.get(item), sums, settings, item_id=item or None)
            (by_component if item else overall).append(found.to_dict() | {"branch_id": branch})
    overall.sort(key=lambda d: (d["difference"] is None, d["difference"] or 0))
    watch = [d for d in by_component if d["generation_2"]["n"] > 0]
    # Most to learn from observing: the interval (or, without one, the difference) reaching furthest
    # below generation 1, fewest occasions first among equals.
    watch.sort(key=lambda d: ((d["ci_low"] if d["ci_low"] is not None else (d["difference"] or 0) - 50),
                              d["generation_2"]["n"]))
    return {"branches": overall, "observe": watch[:8]}
