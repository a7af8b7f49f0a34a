"""`cascade site serve` (cascade/site/preview.py): after the first build, an edit to a page's text
rebuilds that page only, and the preview still equals a full build where a one-page build would
differ (the search index, the tags page); anything else rebuilds the whole edition."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cascade.cli import cascade
from cascade.site.preview import Preview

MODULE = "curriculum/modules/listening-and-support/index.md"


def _index(site) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def test_an_edit_to_a_page_rebuilds_that_page_and_the_preview_matches_a_full_build(content_copy, tmp_path):
    preview = Preview("supporter", content_copy, tmp_path / "preview")
    assert preview.build()["dirty"] is False  # the first build is a full one
    page = content_copy / MODULE
    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence only the preview test writes.\n",
                    encoding="utf-8")
    done = preview.build()
    assert done["dirty"] is True and done["changed"] == [MODULE]
    full = Preview("supporter", content_copy, tmp_path / "full")
    full.build()
    assert len(_index(tmp_path / "preview")) == len(_index(tmp_path / "full"))
    assert any("only the preview test writes" in doc["text"] for doc in _index(tmp_path / "preview"))
    tags = "tags/index.html"
    assert (tmp_path / "preview" / tags).read_text() == (tmp_path / "full" / tags).read_text()
    built = (tmp_path / "preview" / "modules" / "listening-and-support" / "index.html").read_text()
    assert "only the preview test writes" in built


def test_front_matter_new_files_and_settings_rebuild_everything(content_copy, tmp_path):
    preview = Preview("supporter", content_copy, tmp_path / "preview")
    preview.build()
    page = content_copy / MODULE
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\n---", "\nreview_note: preview test\n---", 1), encoding="utf-8")
    assert preview.changes()[1] is False  # front matter changed: not a one-page build
    page.write_text(text, encoding="utf-8")
    preview.build()
    (content_copy / "curriculum" / "glossary.yml").write_text(
        (content_copy / "curriculum" / "glossary.yml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert preview.build()["dirty"] is False


def test_the_command_is_there():
    result = CliRunner().invoke(cascade, ["site", "serve", "--help"])
    assert result.exit_code == 0 and "--edition" in result.output and "--port" in result.output
