"""Every list is paged, filtered and searchable on the server in a stable order (web/listing.py):
walking a list page by page shows every row the user may see exactly once; filters and searches
narrow it; a site lead's lists hold their own site's rows only; odd paging input is harmless."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from cascade.assessments.checklists import load_checklists
from trainer_tracker.cascade.models import Course, Person
from trainer_tracker.fidelity import services as fs
from trainer_tracker.fidelity.models import FidelityRecord
from trainer_tracker.research import services as rs
from trainer_tracker.research.models import AdverseEvent, AssessmentResponse, CostItem
from trainer_tracker.support import services as ss
from trainer_tracker.support.models import Carer, Contact

from .conftest import login

NEXT_RE = re.compile(r'href="([^"]+)"[^>]*rel="next"|rel="next"[^>]*href="([^"]+)"')


@pytest.fixture
def busy(app, world, repo_root):
    """More rows than a page holds in every list (a page is 2 rows here)."""
    app.config["PAGE_SIZE"] = 2
    from trainer_tracker.cascade import services as cs

    for n in range(2):
        cs.create_course(None, f"Extra {n}", 2, world.dv, world.today, world.today, "2027.1")
    for n in range(4):
        carer = ss.register_carer(None, world.el if n % 2 else world.dv, world.today - dt.timedelta(days=30))
        if n == 0:
            ss.match(None, carer, world.gen1_dv, world.today - dt.timedelta(days=10))
    for minutes in (10, 20, 30, 40, 50):
        ss.record_contact(None, world.match, world.today - dt.timedelta(days=minutes % 7), "phone", minutes, [])
    checklist = load_checklists(repo_root / "assessments" / "checklists").get("support-contact")
    for contact in Contact.select():
        fs.record(None, checklist, rater_role="supervisor", rated_on=world.today,
                  scores={i.id: 1 for i in checklist.items}, contact=contact)
    from cascade.assessments.instruments import load_instruments

    instrument = load_instruments(repo_root / "assessments").get("carerqol-7d")
    answers = {item.id: (list(item.scale.values)[0] if item.scale.type == "choice" else 7)
               for item in instrument.items if item.scale.type in ("choice", "number")}
    for point in [p.id for p in instrument.time_points if p.respondent == "carer"][:3]:
        rs.save_response(None, instrument, time_point=point, completed_on=world.today, answers=answers,
                         carer=world.carer)
    for n in range(3):
        rs.record_adverse_event(None, site=world.el, affected="carer", onset_on=world.today,
                                aware_at=dt.datetime.now(), seriousness=[], relatedness="not_related",
                                expectedness="expected", description=f"event {n}", carer=world.carer)
        rs.add_cost_item(None, site=world.el, category="venue", occurred_on=world.today, quantity=1,
                         amount=100 + n, description=f"room {n}")
    return world


def walk(client, url: str, row_re: str) -> list[str]:
    """Every row id on every page, following the Next links."""
    seen, pages = [], 0
    while url and pages < 50:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        text = response.get_data(as_text=True)
        seen += re.findall(row_re, text)
        found = NEXT_RE.search(text)
        url = html.unescape(found.group(1) or found.group(2)) if found else None
        pages += 1
    return seen


LISTS = [
    ("/people", r'href="/people/(\d+)"', lambda w: Person.select().count()),
    ("/courses", r'href="/courses/(\d+)"', lambda w: Course.select().count()),
    ("/carers", r'href="/carers/(\d+)"', lambda w: Carer.select().count()),
    ("/admin/users", r'href="/admin/users/(\d+)"', None),
    ("/research/adverse-events", r'href="/research/adverse-events/(\d+)"', lambda w: AdverseEvent.select().count()),
    ("/research/costs", r'href="/research/costs/(\d+)/edit"', lambda w: CostItem.select().count()),
    ("/research/responses", r'href="/research/responses/(\d+)"', lambda w: AssessmentResponse.select().count()),
    ("/fidelity/records", r'href="/fidelity/records/(\d+)"', lambda w: FidelityRecord.select().count()),
    ("/contacts", r'<td>(\d+)</td></tr>', lambda w: Contact.select().count()),
]


@pytest.mark.parametrize(("url", "row_re", "expected"), LISTS, ids=[u for u, _, _ in LISTS])
def test_walking_a_list_shows_every_row_once(app, busy, url, row_re, expected):
    client = app.test_client()
    login(client, "admin@example.org")
    rows = walk(client, url, row_re)
    if url != "/contacts":
        assert len(rows) == len(set(rows)), rows  # stable order: nothing twice
    if expected is not None:
        assert len(rows) == expected(busy)
    assert len(rows) > 2  # it really took more than one page


def test_filters_and_search_narrow_a_list(app, busy):
    client = app.test_client()
    login(client, "admin@example.org")
    people = walk(client, "/people?q=Founder", r'href="/people/(\d+)"')
    assert people == [str(busy.founder.id)]
    carers = walk(client, f"/carers?q={busy.carer.study_id}", r'href="/carers/(\d+)"')
    assert carers == [str(busy.carer.id)]
    dv = walk(client, "/carers?site=DV", r'href="/carers/(\d+)"')
    assert set(dv) == {str(c.id) for c in Carer.select().where(Carer.site == busy.dv.id)}
    long_contacts = walk(client, "/contacts?from=" + (busy.today - dt.timedelta(days=2)).isoformat(), r"<td>(\d+)</td></tr>")
    assert long_contacts and all(int(m) > 0 for m in long_contacts)


def test_a_site_lead_lists_their_own_site_only(app, busy):
    client = app.test_client()
    login(client, "el-lead@example.org")
    carers = walk(client, "/carers", r'href="/carers/(\d+)"')
    assert set(carers) == {str(c.id) for c in Carer.select().where(Carer.site == busy.el.id)}
    site_param = walk(client, "/carers?site=DV", r'href="/carers/(\d+)"')  # another site's code is ignored
    assert set(site_param) == set(carers)


@pytest.mark.parametrize("query", ["page=-1", "page=abc", "page=99999999999999999999", "page=3&q=%00", "q=" + "x" * 500,
                                   "from=2024-13-45", "status=nonsense"])
def test_odd_paging_input_is_harmless(app, busy, query):
    client = app.test_client()
    login(client, "admin@example.org")
    for url, _, _ in LISTS:
        response = client.get(f"{url}?{query}")
        assert response.status_code in (200, 400), (url, query, response.status_code)
