"""mkdocs-macros functions for both editions (site/macros.py calls define_env)."""

from __future__ import annotations

from ..config import programme
from ..content.german import adaptation_status
from . import generated, module_page, programme_data, self_check, sources, timetable, what_changed
from .state import edition_of, load_for_build


class _Page:
    """What the macros need to know about the build and the page being rendered."""

    def __init__(self, env):
        self.env = env

    @property
    def curriculum(self):
        return load_for_build(self.env.conf["docs_dir"])

    @property
    def edition(self) -> str:
        return edition_of(self.env.conf)

    @property
    def src(self) -> str:
        return self.env.page.file.src_uri

    @property
    def trainer(self) -> bool:
        return self.edition == "trainer"

    def module(self, module_id: str | None = None):
        """The module named, or the module whose page this is."""
        if module_id:
            return self.curriculum.module(module_id)
        module = self.curriculum.file_for(self.src)
        if module is None or not hasattr(module, "fidelity"):
            raise ValueError(f"{self.src} is not a module page")
        return module


def define_env(env) -> None:
    page = _Page(env)
    _module_macros(env, page)
    _curriculum_macros(env, page)
    _programme_macros(env)


def _module_macros(env, page: _Page) -> None:
    """Macros for one module's page (the current one, or the one named)."""

    @env.macro
    def module_card(module_id: str | None = None) -> str:
        """Version, status, length, stages, objectives and German source of a module."""
        return module_page.module_card(page.module(module_id), page.edition, page.curriculum)

    @env.macro
    def module_changelog(module_id: str | None = None) -> str:
        """The module's changes; first, a link to its "what changed" page after a MAJOR change."""
        module = page.module(module_id)
        note = what_changed.module_note(page.curriculum, module.id, page.edition, page.src)
        table = module_page.module_changelog(module)
        return table.replace("\n\n", f"\n\n{note}\n", 1) if note else table

    @env.macro
    def module_references(module_id: str | None = None) -> str:
        return module_page.module_references(page.module(module_id))

    @env.macro
    def module_materials(module_id: str | None = None) -> str:
        """Links to the module's printable materials (answer keys in the trainer edition only)."""
        return module_page.module_materials(page.module(module_id), page.edition)

    @env.macro
    def self_check_form(module_id: str | None = None) -> str:
        """The module's self-check: its knowledge check questions with feedback, no account needed.
        (Not named knowledge_check: the front matter field of that name would hide it.)"""
        return self_check.knowledge_check(page.module(module_id), page.edition)

    @env.macro
    def session_plan(module_id: str | None = None) -> str:
        """The module's session plan with timings (trainer edition only)."""
        return module_page.session_plan(page.module(module_id)) if page.trainer else ""

    @env.macro
    def fidelity_checklist(module_id: str | None = None) -> str:
        """The printable fidelity checklist (trainer edition only)."""
        return module_page.fidelity_checklist(page.module(module_id)) if page.trainer else ""

    @env.macro
    def suggest_change(module_id: str | None = None) -> str:
        """'Suggest a change' link: a prefilled email, or an issue (extra.repo_issue_url)."""
        site_url = env.conf.get("site_url") or ""
        page_url = (site_url.rstrip("/") + "/" + env.page.url) if site_url else env.page.url
        return module_page.suggest_change(page.module(module_id), env.conf.get("extra") or {}, page_url)


def _curriculum_macros(env, page: _Page) -> None:
    """Macros for pages made from the whole curriculum."""

    @env.macro
    def curriculum_overview() -> str:
        return generated.curriculum_overview(page.curriculum, page.edition, page.src)

    @env.macro
    def course_timetable() -> str:
        """Each stage's modules in course days and sessions (trainer edition)."""
        return timetable.course_timetable(page.curriculum, page.src) if page.trainer else ""

    @env.macro
    def all_trainer_notes() -> str:
        return generated.all_trainer_notes(page.curriculum, page.src) if page.trainer else ""

    @env.macro
    def all_fidelity_checklists() -> str:
        return generated.all_fidelity_checklists(page.curriculum, page.src) if page.trainer else ""

    @env.macro
    def glossary() -> str:
        return generated.glossary(page.curriculum)

    @env.macro
    def all_changes() -> str:
        return generated.changes(page.curriculum, page.edition, page.src)

    @env.macro
    def mha_changes() -> str:
        """Which Mental Health Act 2025 changes apply now (from curriculum/data/mha-2025.yml)."""
        return generated.mha_changes(page.curriculum)

    @env.macro
    def leap_impact() -> str:
        """Each LEAP recommendation with the module changes that cite it (trainer edition)."""
        return generated.leap_impact(page.curriculum, page.src) if page.trainer else ""

    @env.macro
    def sources_index() -> str:
        """Every module and the German text it adapts (trainer edition)."""
        if not page.trainer:
            return ""
        return sources.sources_index(page.curriculum, adaptation_status(page.curriculum), page.src)

    @env.macro
    def edition_name() -> str:
        return "trainer edition" if page.trainer else "supporter edition"


def _programme_macros(env) -> None:
    """Macros for what differs by site (the programme configuration)."""

    @env.macro
    def out_of_hours() -> str:
        """Out-of-hours routes per site, then the national numbers (programme configuration)."""
        return programme_data.out_of_hours(programme())

    @env.macro
    def site_contacts() -> str:
        """Each site's peer support team: phone, email and hours (programme configuration)."""
        return programme_data.site_contacts(programme())
