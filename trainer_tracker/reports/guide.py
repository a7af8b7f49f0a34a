"""The technical guide for policy makers and commissioners (`cascade report guide --out DIR`).

The hand-written chapters (docs/technical-guide/) and chapters made from the curriculum (the
modules, their German sources and adaptation notes, the LEAP's recommendations) and from the
tracker's figures (reports/guide_figures.py) in one Markdown file, and the same as a PDF:
Python-Markdown renders it, WeasyPrint lays it out on A4 (guide.css).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from cascade.assessments.checklists import all_checklists, load_checklists
from cascade.content import load_curriculum
from cascade.content.german import adaptation_status
from cascade.content.leap import load_recommendations
from cascade.content.timetable import stage_timetable
from cascade.site.module_page import AUDIENCE_TEXT, STATUS_TEXT, and_list, duration_text
from cascade.site.sources import SOURCE_STATE_TEXT

from . import guide_figures as figures
from .guide_figures import cell

GUIDE_DOCS = Path("docs") / "technical-guide"
MARKDOWN_NAME, PDF_NAME = "technical-guide.md", "technical-guide.pdf"
STYLESHEET = Path(__file__).resolve().parent / "guide.css"


class GuideError(RuntimeError):
    """The guide cannot be made; the message says why in one line."""


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def hand_written(root: Path, name: str) -> list[str]:
    """A chapter from docs/technical-guide/: its own title dropped, its headings one level down."""
    path = root / GUIDE_DOCS / name
    if not path.is_file():
        raise GuideError(f"{path} is missing: the guide's hand-written chapters live in {GUIDE_DOCS}/")
    lines, fence = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if not fence and re.match(r"^# ", line) and not lines:
            continue  # the chapter's title: the guide numbers its own
        if not fence and re.match(r"^#{2,5} ", line):
            line = "#" + line
        lines.append(line)
    return [*lines, ""]


def curriculum_chapter(curriculum, root: Path) -> list[str]:
    """Every module with its source, the teaching time for each stage, and the adaptation log."""
    statuses = {s.module.id: s for s in adaptation_status(curriculum)}
    modules = curriculum.modules_for("trainer")
    adapted = [m for m in modules if m.source.id]
    lines = [f"The curriculum has {len(modules)} modules. {len(adapted)} adapt a module of the German programme "
             f"(EX-IN family peer support, Hamburg); the other {len(modules) - len(adapted)} were written in "
             "England, for what depends on English law and services or on the English cascade.", "",
             "| Module | For | Stages | Length | Version | Status | Source |", "|---|---|---|---|---|---|---|"]
    for module in modules:
        source = f"German module `{module.source.id}`" if module.source.id else "Written in England"
        lines.append(f"| {cell(module.title)} | {and_list([AUDIENCE_TEXT.get(a, a) for a in module.audience])} | "
                     f"{and_list([str(s) for s in module.stages])} | {duration_text(module.duration_minutes)} | "
                     f"{module.version} | {STATUS_TEXT.get(module.status, (module.status,))[0]} | {source} |")
    lines += ["", "### Teaching time", "",
              "The course timetable in the trainer edition lays each stage's modules out in course days "
              "(from the modules' lengths and session plans). At present:", ""]
    for stage in (1, 2):
        timetable = stage_timetable(curriculum, stage)
        lines.append(f"- Stage {stage}: {len(timetable.modules)} modules, {duration_text(timetable.total_minutes)} of "
                     f"teaching, in {len(timetable.sessions)} sessions over {len(timetable.days)} course days, "
                     "plus checkout and a catch-up session.")
    return lines + ["", *adaptation_log(curriculum, adapted, statuses)]


def adaptation_log(curriculum, adapted: list, statuses: dict) -> list[str]:
    illustrative = [s for s in statuses.values() if s.german is not None and s.german.illustrative]
    lines = ["### Adapting the German programme for England", ""]
    if illustrative:
        lines += [f"> **The German texts are illustrative.** {len(illustrative)} of the German source texts held by "
                  "this project were written by this project, to show how an English module is linked to the "
                  "exact version of the German text it adapts. They are not the German programme's own "
                  "material. Every adapted module will be checked again when the programme imports the real "
                  "German material.", ""]
    for module in adapted:
        status = statuses.get(module.id)
        german = status.german if status else None
        name = f"`{module.source.id}`" + (f" ({german.title})" if german else "")
        if german is not None and german.illustrative:
            name += ", an illustrative text written by this project"
        state = SOURCE_STATE_TEXT.get(status.state, status.state) if status else "-"
        revision = f", revision `{module.source.revision[:12]}`" if module.source.revision else ""
        notes = _one_line(module.source.adaptation or "No adaptation notes yet.")
        lines += [f"#### {module.title}", "", f"- German source: {name}{revision}. {state}.",
                  f"- What was changed for England, and why: {notes}", ""]
    written = [m for m in curriculum.modules_for("trainer") if m.source.written_in_england]
    if written:
        lines += ["#### Modules written in England", "", "| Module | Why there was no German text to adapt |",
                  "|---|---|"]
        lines += [f"| {cell(m.title)} | {cell(m.source.written_in_england)} |" for m in written]
    return lines + [""]


def leap_chapter(curriculum) -> list[str]:
    """Each LEAP recommendation ("you said") and the module changes that answer it ("we did")."""
    recommendations = load_recommendations(curriculum)
    lines = ["The lived experience advisory panel (LEAP) reviews every change to the training. Each of its "
             "recommendations is numbered, and each module change that answers one names it in the module's "
             "changelog, so what changed because of the panel can be traced.", ""]
    if not recommendations:
        return lines + ["No recommendations are recorded yet.", ""]
    if all(r.example for r in recommendations.values()):
        lines += ["> **These entries are examples**, written to show the format. They are not real "
                  "recommendations of the panel.", ""]
    for rec in recommendations.values():
        lines += [f"### {rec.id}" + (" (example)" if rec.example else ""), "",
                  f"**You said** ({rec.date}): {_one_line(rec.recommendation)}", "",
                  f"**Status:** {rec.status_text}.", ""]
        if rec.changes:
            lines += ["**We did:**", ""]
            lines += [f"- {module.title}, version {entry.version} ({entry.date}): {_one_line(entry.summary)}"
                      for module, entry in rec.changes]
        else:
            lines.append("**We did:** no module change names this recommendation yet.")
        if rec.notes:
            lines += ["", rec.notes]
        lines.append("")
    return lines


def modules_appendix(curriculum) -> list[str]:
    lines = ["What each module sets out to teach, and its core components: the parts that must not be lost "
             "when it is passed on. The core components are the module's fidelity checklist.", ""]
    for module in curriculum.modules_for("trainer"):
        lines += [f"### {module.title}", "", "Objectives:", ""]
        lines += [f"- {objective}" for objective in module.objectives]
        lines += ["", "Core components:", ""]
        lines += [f"- {c.description}" + (" (essential)" if c.essential else "") for c in module.fidelity]
        lines.append("")
    return lines


CHAPTERS = (
    "What the programme is",
    "The curriculum and its adaptation for England",
    "The cascade and its fidelity",
    "Reach and the carer pathway",
    "Costs",
    "Safety: adverse events",
    "The lived experience advisory panel: you said, we did",
    "What a new site needs",
)
APPENDIX = "each module's objectives and core components"


def build_markdown(root: Path, today: dt.date | None = None) -> str:
    """The whole guide as Markdown. Needs the tracker's database open (the figures' chapters)."""
    today = today or dt.date.today()
    curriculum = load_curriculum(root / "curriculum")
    checklists = all_checklists(load_checklists(root / "assessments" / "checklists"), curriculum)
    titles = {c.id: c.title for c in checklists}
    bodies = [
        hand_written(root, "introduction.md"),
        curriculum_chapter(curriculum, root),
        figures.cascade_chapter(titles),
        figures.reach_chapter(),
        figures.costs_chapter(curriculum),
        figures.adverse_events_chapter(),
        leap_chapter(curriculum),
        hand_written(root, "new-site.md"),
    ]
    lines = [f"# {curriculum.title}: technical guide", "",
             f"*For policy makers and commissioners. Made on {today.day} {today:%B %Y} by `cascade report guide` from the "
             "curriculum and the programme tracker's figures.*", "",
             "**About the figures.** Every figure is an aggregate: no person can be named from it. Where a count "
             f"for a site or a group is under {figures.SMALL}, it reads \"{figures.FEWER}\", and the figures worked "
             "out from that group are not shown. The chapters made from the curriculum and the tracker describe "
             "the programme as it stands on the day this guide was made.", "", "**Contents**", ""]
    lines += [f"{n}. {title}" for n, title in enumerate(CHAPTERS, start=1)]
    lines += ["", f"Appendix: {APPENDIX}", ""]
    for n, (title, body) in enumerate(zip(CHAPTERS, bodies, strict=True), start=1):
        lines += [f"## {n}. {title}", "", *body]
    lines += [f"## Appendix: {APPENDIX}", "", *modules_appendix(curriculum)]
    return "\n".join(lines).rstrip() + "\n"


def to_html(markdown_text: str, title: str) -> str:
    import markdown

    body = markdown.markdown(markdown_text, extensions=["tables", "sane_lists", "toc"], output_format="html")
    return (f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body>{body}</body></html>")


def write(markdown_text: str, out_dir: Path) -> tuple[Path, Path]:
    """DIR/technical-guide.md and DIR/technical-guide.pdf, each written whole or not at all."""
    from weasyprint import CSS, HTML

    out_dir.mkdir(parents=True, exist_ok=True)
    md_path, pdf_path = out_dir / MARKDOWN_NAME, out_dir / PDF_NAME
    parts = [md_path.with_suffix(".md.part"), pdf_path.with_suffix(".pdf.part")]
    try:
        parts[0].write_text(markdown_text, encoding="utf-8")
        title = markdown_text.splitlines()[0].lstrip("# ")
        HTML(string=to_html(markdown_text, title), base_url=str(out_dir)).write_pdf(
            parts[1], stylesheets=[CSS(filename=str(STYLESHEET))])
        parts[0].replace(md_path)
        parts[1].replace(pdf_path)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)
    return md_path, pdf_path


def make_guide(app, out_dir: Path, today: dt.date | None = None) -> tuple[Path, Path]:
    """Check the tracker's database, then write the guide. GuideError says what is wrong."""
    import peewee

    from ..cascade.models import Person
    from ..db import _redacted, database
    from ..migrate import pending
    from ..support.models import Carer

    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:"):
        path = Path(url.removeprefix("sqlite:///").split("?")[0])
        if not path.is_file() or path.stat().st_size == 0:
            raise GuideError(f"no tracker database at {path}: run `cascade tracker init` (or `cascade tracker demo`) "
                             "first, or set CASCADE_DATABASE_URL")
    with app.app_context():
        try:
            database.connect(reuse_if_open=True)
            if not database.table_exists(Person._meta.table_name):
                raise GuideError(f"the database {_redacted(url)} is empty (no tracker tables): run `cascade tracker init`")
            waiting = pending()
            if waiting:
                raise GuideError(f"the database {_redacted(url)} needs {len(waiting)} update(s) first: run "
                                 "`cascade tracker init`")
            if not Person.select().exists() and not Carer.select().exists():
                raise GuideError(f"the database {_redacted(url)} holds no people or carers yet: there are no "
                                 "figures to report")
            markdown_text = build_markdown(Path(app.config["CONTENT_ROOT"]), today)
        except peewee.OperationalError as exc:
            raise GuideError(f"cannot read the database {_redacted(url)}: {str(exc).splitlines()[0]}") from None
        finally:
            database.close()
    return write(markdown_text, out_dir)
