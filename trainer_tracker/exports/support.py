"""Support export: one row per contact, streamed in id order with constant memory.

Rows are read in keyset pages (WHERE id > last ORDER BY id LIMIT n), so the export never holds
more than one page, on SQLite and on PostgreSQL alike (psycopg2's default cursor would fetch a
whole result set into memory), and no read transaction stays open for the whole export.
"""

from __future__ import annotations

from ..cascade.models import Site
from ..db import database
from ..support.models import Carer, Contact, Match
from .core import Export, Variable
from .scope import Scope

PAGE = 5_000


def contacts(scope: Scope | None = None) -> Export:
    scope = scope or Scope()
    variables = [
        Variable("contact_id", "Contact record", "integer", id_of="contact"),
        Variable("match_id", "Match (one carer with one peer supporter)", "integer", id_of="match"),
        Variable("carer_id", "Carer (research participant)", "integer", id_of="carer"),
        Variable("study_id", "Carer's study ID (pseudonym, e.g. EL-C-0001)", "text", identifying=True),
        Variable("supporter_id", "Peer supporter", "integer", id_of="person"),
        Variable("site", "Site of the carer", "category", "site codes"),
        Variable("contact_date", "Date of the contact", "date", "YYYY-MM-DD", shift_by="carer:carer_id"),
        Variable("mode", "How they were in touch", "category", "codes in the programme configuration "
                 "(contact_modes)"),
        Variable("duration_minutes", "Length of the contact in minutes", "integer", "1-600"),
        Variable("topics", "Topics talked about (comma-separated codes)", "text",
                 "codes in the programme configuration (contact_topics)"),
    ]
    names = [v.name for v in variables]

    def rows():
        last = 0
        while True:
            page = (Contact.select(Contact.id, Contact.match, Match.carer, Carer.study_id, Match.supporter, Site.code,
                                   Contact.contact_date, Contact.mode, Contact.duration_minutes, Contact.topics)
                    .join(Match, on=(Contact.match == Match.id))
                    .join(Carer, on=(Match.carer == Carer.id))
                    .join(Site, on=(Carer.site == Site.id))
                    .where((Contact.id > last) & Contact.voided_at.is_null()
                           & ((Carer.site == scope.site_id) if scope.site_id is not None else True))
                    .order_by(Contact.id)
                    .limit(PAGE))
            # The driver's own values: integers and text as they are, the date as an ISO string
            # (SQLite) or a date (PostgreSQL); the CSV cell is the same either way.
            cursor = database.execute(page)
            count = 0
            for row in cursor:
                count += 1
                record = dict(zip(names, row, strict=True))
                if scope.carer_allows(record["carer_id"], record["contact_date"]):
                    yield record
            if count < PAGE:
                return
            last = row[0]

    return Export("contacts", "Every support contact (date, mode, length, topics)", variables, rows)
