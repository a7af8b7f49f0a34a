"""Both site editions build strictly; the supporter edition carries nothing trainer-only;
the offline zip and the module PDFs are produced by one command."""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

import pytest

from cascade.content import load_curriculum
from cascade.content.readability import plain_text

pytestmark = pytest.mark.slow


def words(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip().lower()


@pytest.fixture(scope="session")
def editions(built_site) -> Path:
    """The run's one `cascade site build --edition all` (tests/conftest.py): both editions,
    built strictly as MkDocs' --strict does, under editions/supporter and editions/trainer."""
    return built_site / "site"


@pytest.fixture(scope="session")
def curriculum(repo_root):
    return load_curriculum(repo_root / "curriculum")


def supporter_corpus(site: Path) -> str:
    parts = [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]
    parts.append(json.dumps(json.loads((site / "search" / "search_index.json").read_text())))
    return words("\n".join(parts))


def sentences(text: str, minimum_words: int = 6) -> list[str]:
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        sentence = sentence.strip().lower()
        if len(sentence.split()) >= minimum_words:
            found.append(re.sub(r"\s+", " ", sentence))
    return found


def test_both_editions_build_strict(editions):
    """Both editions built with strict=True (warnings fail the build), as `mkdocs build --strict`."""
    assert (editions / "supporter" / "index.html").exists()
    assert (editions / "trainer" / "trainer-notes" / "index.html").exists()


def test_supporter_edition_has_no_trainer_notes_timings_or_checklists(editions, curriculum):
    site = editions / "supporter"
    corpus = supporter_corpus(site)
    checked = 0
    for module in curriculum.modules:
        for note in module.trainer_notes:
            for sentence in sentences(plain_text(note.text)):
                checked += 1
                assert sentence not in corpus, f"trainer note from {module.id} in supporter site: {sentence}"
        for component in module.fidelity:
            assert component.description.lower() not in corpus, f"core component of {module.id} leaked"
        for activity in module.activities:
            assert f"({activity.minutes} minutes)" not in corpus
    assert checked > 0, "the curriculum must exercise trainer notes"
    raw = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    raw += (site / "search" / "search_index.json").read_text()
    for marker in ("trainer-notes", "cascade-checklist", "Session length", "Fidelity checklist"):
        assert marker not in raw, f"{marker!r} found in the supporter edition"
    assert not (site / "trainer-notes").exists()
    for module in curriculum.modules:
        if module.trainers_only:
            assert not (site / Path(module.rel).parent).exists(), f"trainer module {module.id} in supporter edition"


def test_trainer_edition_has_notes_timings_and_checklists(editions, curriculum):
    site = editions / "trainer"
    module = next(m for m in curriculum.modules if m.trainer_notes and m.for_supporters)
    page = (site / Path(module.rel).parent / "index.html").read_text(encoding="utf-8")
    assert "trainer-notes" in page and "cascade-checklist" in page and "Session length" in page
    activity = module.activities[0]
    assert f"({activity.minutes} minutes)" in page
    notes_page = (site / "trainer-notes" / "index.html").read_text(encoding="utf-8")
    assert "trainer-note-1" in notes_page and module.title in notes_page


def test_module_card_changelog_and_overview(editions, curriculum):
    module = curriculum.modules_for("supporter")[0]
    page = (editions / "supporter" / Path(module.rel).parent / "index.html").read_text(encoding="utf-8")
    assert f'data-version="{module.version}"' in page
    assert "Changes to this module" in page and module.changelog[0].summary.split()[0] in page
    home = (editions / "supporter" / "index.html").read_text(encoding="utf-8")
    for supporter_module in curriculum.modules_for("supporter"):
        assert html.escape(supporter_module.title, quote=False) in home


def test_no_page_loads_a_third_party_asset(editions):
    pattern = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*(?:src|href)=\"(https?:)?//", re.I)
    for site in (editions / "supporter", editions / "trainer"):
        for path in site.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            offenders = [m.group(0) for m in pattern.finditer(text) if 'rel="canonical"' not in m.group(0)]
            assert not offenders, f"{path} loads {offenders[:2]}"


def test_glossary_tooltips(editions, curriculum):
    term = curriculum.glossary[0]
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (editions / "supporter").rglob("*.html"))
    assert f'<abbr title="{html.escape(term.expansion)}">{term.term}</abbr>' in pages


def test_offline_zip_and_pdfs_from_one_command(built_site, curriculum):
    from pypdf import PdfReader

    zip_path = built_site / "carer-peer-support-training-offline.zip"
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        root = "carer-peer-support-training/"
        assert root + "index.html" in names
        assert root + "search/search_index.js" in names, "offline search index is inlined as a script"
        index = archive.read(root + "index.html").decode()
        assert 'href="modules/' in index and "/index.html" in index, "file:// needs explicit index.html links"
    pdfs = sorted(p for p in (built_site / "pdf").glob("*.pdf") if not p.name.endswith("-a5.pdf"))  # not booklets
    assert len(pdfs) == len(curriculum.modules_for("trainer"))
    for module in curriculum.modules_for("trainer"):
        pdf = built_site / "pdf" / f"{module.id}-v{module.version}.pdf"
        first_page = PdfReader(pdf).pages[0].extract_text()
        flat = re.sub(r"\s+", " ", first_page)
        assert module.title in flat, module.id
        assert f"Version {module.version}" in flat, module.id
