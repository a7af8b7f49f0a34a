"""mkdocs-macros functions for both editions (site/macros.py calls define_env)."""

from __future__ import annotations

from . import render
from .state import edition_of, load_for_build


def define_env(env) -> None:
    def curriculum():
        return load_for_build(env.conf["docs_dir"])

    def edition():
        return edition_of(env.conf)

    def this_module():
        module = curriculum().file_for(env.page.file.src_uri)
        if module is None or not hasattr(module, "fidelity"):
            raise ValueError(f"{env.page.file.src_uri} is not a module page")
        return module

    def src():
        return env.page.file.src_uri

    @env.macro
    def module_card(module_id: str | None = None) -> str:
        """Version, status, length, stages, objectives and German source of a module."""
        module = curriculum().module(module_id) if module_id else this_module()
        return render.module_card(module, edition(), curriculum())

    @env.macro
    def module_changelog(module_id: str | None = None) -> str:
        module = curriculum().module(module_id) if module_id else this_module()
        return render.module_changelog(module)

    @env.macro
    def module_references(module_id: str | None = None) -> str:
        module = curriculum().module(module_id) if module_id else this_module()
        return render.module_references(module)

    @env.macro
    def module_materials(module_id: str | None = None) -> str:
        """Links to the module's printable materials (answer keys in the trainer edition only)."""
        module = curriculum().module(module_id) if module_id else this_module()
        return render.module_materials(module, edition())

    @env.macro
    def session_plan(module_id: str | None = None) -> str:
        """The module's session plan with timings (trainer edition only)."""
        if edition() != "trainer":
            return ""
        module = curriculum().module(module_id) if module_id else this_module()
        return render.session_plan(module)

    @env.macro
    def fidelity_checklist(module_id: str | None = None) -> str:
        """The printable fidelity checklist (trainer edition only)."""
        if edition() != "trainer":
            return ""
        module = curriculum().module(module_id) if module_id else this_module()
        return render.fidelity_checklist(module)

    @env.macro
    def curriculum_overview() -> str:
        return render.curriculum_overview(curriculum(), edition(), src())

    @env.macro
    def all_trainer_notes() -> str:
        if edition() != "trainer":
            return ""
        return render.all_trainer_notes(curriculum(), src())

    @env.macro
    def all_fidelity_checklists() -> str:
        if edition() != "trainer":
            return ""
        return render.all_fidelity_checklists(curriculum(), src())

    @env.macro
    def glossary() -> str:
        return render.glossary(curriculum())

    @env.macro
    def all_changes() -> str:
        return render.changes(curriculum(), edition(), src())

    @env.macro
    def mha_changes() -> str:
        """Which Mental Health Act 2025 changes apply now (from curriculum/data/mha-2025.yml)."""
        return render.mha_changes(curriculum())

    @env.macro
    def out_of_hours() -> str:
        """Out-of-hours routes per site, then the national numbers (programme configuration)."""
        from ..config import programme

        return render.out_of_hours(programme())

    @env.macro
    def site_contacts() -> str:
        """Each site's peer support team: phone, email and hours (programme configuration)."""
        from ..config import programme

        return render.site_contacts(programme())

    @env.macro
    def leap_impact() -> str:
        """Each LEAP recommendation with the module changes that cite it (trainer edition)."""
        if edition() != "trainer":
            return ""
        return render.leap_impact(curriculum(), src())

    @env.macro
    def sources_index() -> str:
        """Every module and the German text it adapts (trainer edition)."""
        if edition() != "trainer":
            return ""
        from ..authoring import translations

        statuses = translations.adaptation_status(curriculum())
        return render.sources_index(curriculum(), statuses, src())

    @env.macro
    def suggest_change(module_id: str | None = None) -> str:
        """'Suggest a change' link: a prefilled email, or an issue (extra.repo_issue_url)."""
        module = curriculum().module(module_id) if module_id else this_module()
        site_url = env.conf.get("site_url") or ""
        page_url = (site_url.rstrip("/") + "/" + env.page.url) if site_url else env.page.url
        return render.suggest_change(module, env.conf.get("extra") or {}, page_url)

    @env.macro
    def edition_name() -> str:
        return "trainer edition" if edition() == "trainer" else "supporter edition"
