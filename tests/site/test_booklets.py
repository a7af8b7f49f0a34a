"""The guides for carers (pages with `print: a5`) are built as A5 booklet PDFs beside the module
PDFs by `cascade site build --edition all`, with the site contacts of the programme configuration."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from cascade.config import programme
from cascade.content import load_curriculum
from cascade.site.build import booklet_name

pytestmark = pytest.mark.slow

A5_POINTS = (148 / 25.4 * 72, 210 / 25.4 * 72)  # 419.5 x 595.3


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_each_guide_for_carers_is_an_a5_booklet_with_the_site_contacts(built_site, repo_root):
    curriculum = load_curriculum(repo_root / "curriculum")
    guides = [page for page in curriculum.pages if page.print_size == "a5"]
    assert {page.rel for page in guides} >= {"for-carers/guide.md", "for-carers/guide-easy-read.md"}
    sites = [site for site in programme().get("sites", []) if site.get("team")]
    assert sites, "the programme configuration names each site's team"
    for page in guides:
        pdf = built_site / "pdf" / booklet_name(page)
        assert pdf.exists(), f"no booklet for {page.rel}"
        reader = PdfReader(pdf)
        for number, sheet in enumerate(reader.pages, start=1):
            width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
            assert abs(width - A5_POINTS[0]) < 1 and abs(height - A5_POINTS[1]) < 1, \
                f"{pdf.name} page {number} is {width:.0f} x {height:.0f} pt, not A5"
        assert page.title in flat(reader.pages[0].extract_text()), pdf.name
        text = flat(" ".join(sheet.extract_text() for sheet in reader.pages))
        assert "{{" not in text, f"{pdf.name}: a macro was not rendered"
        for site in sites:
            assert site["team"]["phone"] in text and site["team"]["email"] in text, (pdf.name, site["code"])
        assert "Trainer edition" not in text, "a booklet is for carers"
