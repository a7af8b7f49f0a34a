"""`cascade report guide --out DIR`: the technical guide for policy makers, as Markdown and PDF,
from the curriculum and the demo database's figures; small numbers suppressed; no personal data;
one-line errors for a missing, empty or unfilled database."""

from __future__ import annotations

import re
import sqlite3

from click.testing import CliRunner
from pypdf import PdfReader

from cascade.cli import cascade
from cascade.content import load_curriculum
from cascade.content.leap import load_recommendations
from trainer_tracker.reports.guide import CHAPTERS

A4_POINTS = (595.3, 841.9)


def run(*args):
    return CliRunner().invoke(cascade, list(args), catch_exceptions=False)


def people_and_carers(url: str) -> tuple[list[str], list[str]]:
    """The demo's people's full names and the carers' study IDs (what must never reach the guide)."""
    from trainer_tracker.app import create_app
    from trainer_tracker.cascade.models import Person
    from trainer_tracker.db import database
    from trainer_tracker.support.models import Carer

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "guide-test"})
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            return [p.name for p in Person.select()], [c.study_id for c in Carer.select()]
        finally:
            database.close()


GROUP_TABLES = {"Site", "Generation", "Checklist", "Category", "Who was affected", "How they met"}


def group_rows(markdown: str) -> list[list[str]]:
    """The body rows of every table of figures by site or group (its first column names them)."""
    rows, header = [], None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif not line.startswith("|---") and header[0] in GROUP_TABLES:
            rows.append(cells)
    return rows


def test_guide_from_the_demo_database(cli_env, tmp_path, repo_root):
    assert run("tracker", "demo").exit_code == 0
    out = tmp_path / "guide"
    result = run("report", "guide", "--out", str(out))
    assert result.exit_code == 0, result.output
    markdown = (out / "technical-guide.md").read_text(encoding="utf-8")

    positions = [markdown.index(f"\n## {n}. {title}\n") for n, title in enumerate(CHAPTERS, start=1)]
    assert positions == sorted(positions), "every chapter, in order"
    intro = (repo_root / "docs" / "technical-guide" / "introduction.md").read_text(encoding="utf-8")
    new_site = (repo_root / "docs" / "technical-guide" / "new-site.md").read_text(encoding="utf-8")
    for text in (intro, new_site):
        first_paragraph = text.split("\n\n")[1].replace("\n", " ")
        assert first_paragraph in markdown.replace("\n", " "), "the hand-written chapters are included"

    curriculum = load_curriculum(repo_root / "curriculum")
    for module in curriculum.modules_for("trainer"):
        assert module.title in markdown
        if module.source.adaptation:
            assert re.sub(r"\s+", " ", module.source.adaptation).strip() in markdown, module.id
    assert "written by this project" in markdown and "not the German programme's own material" in markdown
    for rec in load_recommendations(curriculum).values():
        assert f"### {rec.id}" in markdown and "**You said**" in markdown and "**We did" in markdown

    for needle in ("| Stage | Peer supporters certified | Target |", "| Registered |", "| Waiting for a peer supporter |",
                   "| Withdrew from the study |", "contacts with carers", "| For each carer supported",
                   "| For each peer supporter certified", "Adverse events recorded:", "Mean fidelity",
                   "Drift between generations"):
        assert needle in markdown, needle

    # Counts shown for a site or a group are never under 5; "fewer than 5" stands in for them.
    assert "fewer than 5" in markdown
    rows = group_rows(markdown)
    assert len(rows) > 10
    for row in rows:
        for value in row[1:]:
            if re.fullmatch(r"\d+", value):
                assert int(value) >= 5, row

    names, study_ids = people_and_carers(cli_env)
    assert names and study_ids
    for personal in names + study_ids:
        assert personal not in markdown, f"personal data in the guide: {personal}"

    reader = PdfReader(out / "technical-guide.pdf")
    assert len(reader.pages) > 10
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4_POINTS[0]) < 1 and abs(float(box.height) - A4_POINTS[1]) < 1
    first = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "technical guide" in first
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "The cascade and its fidelity" in text and "fewer than 5" in text
    assert not list(out.glob("*.part"))


def one_line_error(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for word in words:
        assert word in lines[0], lines[0]


def test_missing_database_is_one_line_and_creates_nothing(monkeypatch, tmp_path, repo_root):
    missing = tmp_path / "nowhere" / "tracker.sqlite"
    monkeypatch.setenv("CASCADE_DATABASE_URL", f"sqlite:///{missing}")
    monkeypatch.setenv("CASCADE_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("CASCADE_CONTENT_ROOT", str(repo_root))
    out = tmp_path / "guide"
    one_line_error(run("report", "guide", "--out", str(out)), "no tracker database", str(missing),
                   "cascade tracker init")
    assert not missing.exists() and not out.exists()


def test_empty_database_is_one_line(cli_env, backend, tmp_path):
    if backend == "sqlite":  # a database file, but not the tracker's
        with sqlite3.connect(cli_env.removeprefix("sqlite:///")) as connection:
            connection.execute("CREATE TABLE notes (id INTEGER)")
    out = tmp_path / "guide"
    one_line_error(run("report", "guide", "--out", str(out)), "empty", "cascade tracker init")
    assert not out.exists()


def test_a_database_with_no_records_yet_is_one_line(cli_env, tmp_path):
    assert run("tracker", "init").exit_code == 0
    out = tmp_path / "guide"
    one_line_error(run("report", "guide", "--out", str(out)), "no people or carers")
