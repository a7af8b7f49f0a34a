"""The synthetic programme's support phases: carers, their matches within the caseload cap, contacts."""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Iterator

from .rows import Table, apportion

MODE_WEIGHTS = {"phone": 0.5, "video": 0.15, "in-person": 0.25, "text-or-email": 0.1}


class SupportPhases:
    """Mixed into synth.Programme (which holds the people, sites and random source)."""

    def carers_and_matches(self) -> Iterator[Table]:
        """Each site's carers consent over the years its cascade has run; each is matched to the peer
        supporter of the site whose caseload frees up first (cap per supporter), for 60-120 days.
        Those whose match would start after today are still waiting."""
        self.carers, self.matches, self.match_meta = [], [], []  # match_meta: (match, supporter, start, last day)
        deepest = max(p.generation for p in self.all_people)
        candidates = sorted((p for p in self.by_gen[deepest] if p.id in self.active_from),
                            key=lambda p: (p.site != self.site_ids[0], p.id))
        # The deepest-generation supporter who gets the demo-style account: matched first when free.
        self.featured = candidates[0] if candidates else self.by_gen[deepest][0]
        self.summary["deepest_generation"] = deepest
        counts = apportion(self.n["carers"], self.site_weights, minimum=1)
        for site, count in zip(self.site_ids, counts, strict=True):
            self._site_carers(site, count)
        self.summary["carers"], self.summary["matches"] = len(self.carers), len(self.matches)
        yield Table("carer", ["id", "study_id", "site_id", "sequence", "consented_on", "status", "created_at"],
                    ((c[0], f"{self.site_code[c[1]]}-C-{c[2]:04d}", c[1], c[2], c[3], c[4],
                      dt.datetime.combine(c[3], dt.time(11))) for c in self.carers))
        yield Table("carer_contact_details", ["carer_id", "name", "phone", "email", "notes"],
                    ((c[0], f"Synthetic carer {c[0]}", "01632 960000", "", "") for c in self.carers if c[0] % 10 == 0))
        yield Table("match", ["id", "carer_id", "supporter_id", "matched_on", "ended_on", "end_reason", "created_at"],
                    ((*m, dt.datetime.combine(m[3], dt.time(12))) for m in self.matches))

    def _site_carers(self, site: int, count: int) -> None:
        rng, today, cap = self.rng, self.today, self.cap
        supporters = [p for p in self.all_people if p.site == site and p.generation >= 1 and p.id in self.active_from]
        if not supporters:  # a tiny site without its own cascade borrows the nearest trainers
            supporters = [p for p in self.by_gen[1] if p.id in self.active_from][:3]
        if not supporters:
            for sequence in range(1, count + 1):
                self.carers.append((len(self.carers) + 1, site, sequence, today - dt.timedelta(days=sequence % 30),
                                    "waiting"))
            return
        featured = self.featured
        slots = [(self.active_from[p.id] + dt.timedelta(days=7 + rng.randint(0, 30)), p.id, k)
                 for p in supporters for k in range(cap) if p is not featured]
        featured_slots = [self.active_from[featured.id] + dt.timedelta(days=7)] * cap if featured in supporters else None
        heapq.heapify(slots)
        first = min(self.active_from[p.id] for p in supporters)
        days = max(30, (today - first).days)
        # Consent dates: denser in recent years (the programme grows).
        consents = sorted(first + dt.timedelta(days=int(days * (rng.random() ** 0.6))) for _ in range(count))
        for sequence, consented in enumerate(consents, start=1):
            carer_id = len(self.carers) + 1
            found = self._free_slot(consented + dt.timedelta(days=rng.randint(2, 21)), slots, featured_slots)
            if found is None:
                self.carers.append((carer_id, site, sequence, consented, "waiting"))
                continue
            supporter, slot, matched_on = found
            status = self._match(carer_id, supporter, slot, matched_on, slots, featured_slots)
            self.carers.append((carer_id, site, sequence, consented, status))

    def _free_slot(self, wanted: dt.date, slots: list, featured_slots: list | None):
        """The first supporter slot free by `wanted` while their certification is active, or None."""
        if featured_slots is not None:
            k = min(range(self.cap), key=featured_slots.__getitem__)
            if featured_slots[k] <= wanted <= min(self.today, self.active_until[self.featured.id]):
                return self.featured.id, -1 - k, wanted
        while slots:
            free_from, supporter, slot = heapq.heappop(slots)
            matched_on = max(wanted, free_from)
            if matched_on > self.today:
                heapq.heappush(slots, (free_from, supporter, slot))
                return None
            if matched_on <= self.active_until[supporter]:
                return supporter, slot, matched_on
        return None

    def _match(self, carer_id: int, supporter: int, slot: int, matched_on: dt.date, slots: list,
               featured_slots: list | None) -> str:
        rng, mid = self.rng, len(self.matches) + 1
        length = rng.randint(60, 120)
        withdrawn = rng.random() < 0.05
        ends = matched_on + dt.timedelta(days=rng.randint(7, length) if withdrawn else length)
        if ends <= self.today:
            self.matches.append((mid, carer_id, supporter, matched_on, ends, "withdrawn" if withdrawn else "completed"))
            free_again, last_day, status = ends + dt.timedelta(days=rng.randint(1, 20)), ends, (
                "withdrawn" if withdrawn else "ended")
        else:
            self.matches.append((mid, carer_id, supporter, matched_on, None, ""))
            free_again, last_day, status = dt.date.max, self.today, "matched"
        if slot < 0:
            featured_slots[-1 - slot] = free_again
        else:
            heapq.heappush(slots, (free_again, supporter, slot))
        self.match_meta.append((mid, supporter, matched_on, last_day))
        return status

    # Contacts ------------------------------------------------------------------------------------

    def contacts(self) -> Iterator[Table]:
        """The total split over matches in proportion to their length, with gamma noise (some carers
        want much more contact than others); dates fall inside the match."""
        rng = self.rng
        weights = [max(1, (last - start).days) * rng.gammavariate(2.0, 0.5) for _, _, start, last in self.match_meta]
        self.per_match = apportion(self.n["contacts"], weights)
        self.rated_contacts = []  # (contact id, day, supporter, site) that may be rated for fidelity
        self.summary["contacts"] = self.n["contacts"]
        yield Table("contact", ["id", "match_id", "contact_date", "mode", "duration_minutes", "topics", "recorded_at"],
                    self._contact_rows())

    def _contact_rows(self) -> Iterator[tuple]:
        rng, modes = self.rng, self.modes
        mode_weights = [MODE_WEIGHTS.get(m, 0.1) for m in modes]
        carer_site = {c[0]: c[1] for c in self.carers}
        match_carer = {m[0]: m[1] for m in self.matches}
        rate = min(0.95, max(0.0, (self.n["fidelity"] * 0.8) / max(1, self.n["contacts"])))
        cid = 0
        for (mid, supporter, start, last), count in zip(self.match_meta, self.per_match, strict=True):
            span = max(0, (last - start).days)
            for day in sorted(start + dt.timedelta(days=rng.randint(0, span)) for _ in range(count)):
                cid += 1
                mode = rng.choices(modes, mode_weights)[0]
                base = {"in-person": 60, "video": 40, "phone": 30}.get(mode, 10)
                minutes = int(min(240, max(5, round(rng.lognormvariate(math.log(base), 0.45) / 5) * 5)))
                chosen = ",".join(rng.sample(self.topics, rng.choice((1, 1, 2, 2, 2, 3))))
                if rng.random() < rate:
                    self.rated_contacts.append((cid, day, supporter, carer_site[match_carer[mid]]))
                yield (cid, mid, day, mode, minutes, chosen, dt.datetime.combine(day, dt.time(17)))


