"""`cascade report fidelity --format json|md`, `cascade report programme` and `cascade report guide --out DIR`."""

from __future__ import annotations

import json
from pathlib import Path

import click


def _app():
    from .common import app_for_command

    return app_for_command()


@click.group()
def report() -> None:
    """Figures for the technical guide and papers."""


@report.command()
@click.option("--format", "fmt", type=click.Choice(["json", "md"]), default="md", show_default=True)
@click.option("--site", "site_code", default=None, help="One site only (its code).")
def fidelity(fmt: str, site_code: str | None) -> None:
    """Fidelity % per checklist version: by generation, site, module, component; drift; agreement."""
    from cascade.assessments.checklists import all_checklists, load_checklists
    from cascade.content import load_curriculum
    from cascade.stats.fidelity import report as fidelity_report

    from ..cascade.models import Site
    from ..db import database
    from ..fidelity import data

    app = _app()
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            site_id = None
            if site_code:
                site = Site.get_or_none(Site.code == site_code.upper())
                if site is None:
                    raise click.BadParameter(f"no site with code {site_code!r}", param_hint="--site")
                site_id = site.id
            built = fidelity_report.build(data.records(site_id=site_id), include_people=False)
        finally:
            database.close()
    if fmt == "json":
        click.echo(json.dumps(built, indent=2))
        return
    from pathlib import Path

    root = Path(app.config["CONTENT_ROOT"])
    checklists = all_checklists(load_checklists(root / "assessments" / "checklists"), load_curriculum(root / "curriculum"))
    click.echo(fidelity_report.to_markdown(built, {c.id: c.title for c in checklists}))


@report.command()
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write to a file instead of printing.")
def programme(fmt: str, out: str | None) -> None:
    """Reach against targets, engagement, fidelity, costs, adverse events and assessment completion."""
    from pathlib import Path

    from cascade.assessments.instruments import load_instruments
    from cascade.content import load_curriculum

    from ..db import database
    from ..research import programme_report

    app = _app()
    root = Path(app.config["CONTENT_ROOT"])
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            built = programme_report.build(load_curriculum(root / "curriculum"), load_instruments(root / "assessments"))
        finally:
            database.close()
    if fmt == "md":
        text = programme_report.to_markdown(built)
    else:
        text = programme_report.to_html(built, Path(__file__).resolve().parents[1] / "web" / "static" / "chartjs"
                                        / "chart.umd.min.js")
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"written {out}")
    else:
        click.echo(text)


@report.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for technical-guide.md and technical-guide.pdf.")
def guide(out_dir: Path) -> None:
    """The technical guide for policy makers and commissioners, as Markdown and PDF."""
    from ..reports.guide import GuideError, make_guide

    try:
        md_path, pdf_path = make_guide(_app(), out_dir)
    except GuideError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"written {md_path} and {pdf_path}")


@report.command()
@click.option("--format", "fmt", type=click.Choice(["json", "md"]), default="md", show_default=True)
@click.option("--site", "site_code", default=None, help="One site only (its code).")
def equity(fmt: str, site_code: str | None) -> None:
    """Who the programme reaches: referred, eligible, consented, matched and completed, by age, gender,
    ethnic group, first language, relationship and area type; counts under 5 suppressed."""
    from cascade.stats import equity as equity_stats

    from ..cascade.models import Site
    from ..db import database
    from ..pathway.equity import report as equity_report

    app = _app()
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            site_id = None
            if site_code:
                site = Site.get_or_none(Site.code == site_code.upper())
                if site is None:
                    raise click.BadParameter(f"no site with code {site_code!r}", param_hint="--site")
                site_id = site.id
            data = equity_report(site_id)
        finally:
            database.close()
    click.echo(json.dumps(data, indent=2) if fmt == "json" else equity_stats.to_markdown(data))


@report.command()
@click.option("--release", default=None, help="Compare with this release (default: the curriculum as it is now).")
@click.option("--format", "fmt", type=click.Choice(["json", "md"]), default="md", show_default=True)
@click.option("--site", "site_code", default=None, help="One site only (its code).")
def refreshers(release: str | None, fmt: str, site_code: str | None) -> None:
    """Who needs a refresher: everyone trained on an older MAJOR version of a module, by site, with
    what changed and whether their refresher is assigned or done."""
    from ..cascade.models import Site
    from ..db import database
    from ..errors import Refused
    from ..refreshers.services import needed
    from ..web.curriculum import get_curriculum

    app = _app()
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            site_id = None
            if site_code:
                site = Site.get_or_none(Site.code == site_code.upper())
                if site is None:
                    raise click.BadParameter(f"no site with code {site_code!r}", param_hint="--site")
                site_id = site.id
            try:
                rows = needed(get_curriculum(), release=release, site_id=site_id)
            except Refused as exc:
                raise click.ClickException(exc.message) from None
        finally:
            database.close()
    data = [{"person_id": n.person_id, "name": n.name, "site": n.site, "module": n.module_id,
             "trained_on": n.trained_version, "now": n.target_version, "what_changed": n.summary, "state": n.state}
            for n in rows]
    if fmt == "json":
        click.echo(json.dumps({"release": release, "refreshers": data}, indent=2))
        return
    lines = [f"# Refreshers needed ({release or 'the curriculum as it is now'})", "",
             f"{len(data)} refresher(s).", "", "| Person | Site | Module | Trained on | Now | What changed | State |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {d['name']} | {d['site']} | {d['module']} | {d['trained_on']} | {d['now']} | "
              f"{d['what_changed'].replace('|', '/') or '-'} | {d['state']} |" for d in data]
    click.echo("\n".join(lines))
