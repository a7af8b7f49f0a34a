"""The knowledge check as built into both editions: one accessible form per question, the
feedback in the page for readers without a script, data attributes for a tracker page that
embeds the site, the script in the offline zip; and the "what changed" pages."""

from __future__ import annotations

import html
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cascade.content import load_curriculum

pytestmark = pytest.mark.slow

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent, self.children, self.text = tag, attrs, parent, [], ""

    def all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found = []
        for child in self.children:
            if (tag is None or child.tag == tag) and (cls is None or cls in child.attrs.get("class", "").split()):
                found.append(child)
            found += child.all(tag, cls)
        return found

    def words(self) -> str:
        return re.sub(r"\s+", " ", self.text + " ".join(c.words() for c in self.children)).strip()


class Tree(HTMLParser):
    """Enough of an HTML tree to walk the built pages (no third-party parser needed)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.root = self.at = Node("#root", {}, None)
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v if v is not None else "" for k, v in attrs}, self.at)
        self.at.children.append(node)
        if tag not in VOID:
            self.at = node

    def handle_endtag(self, tag):
        node = self.at
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.at = node.parent

    def handle_data(self, data):
        self.at.text += data


@pytest.fixture(scope="module")
def curriculum(repo_root):
    return load_curriculum(repo_root / "curriculum")


def module_page(built_site: Path, edition: str, module) -> Node:
    path = built_site / "site" / edition / Path(module.rel).parent / "index.html"
    return Tree(path.read_text(encoding="utf-8")).root


@pytest.mark.parametrize("edition", ["supporter", "trainer"])
def test_every_module_with_a_check_has_an_accessible_self_check(built_site, curriculum, edition):
    checked = 0
    for module in curriculum.modules_for(edition):
        page = module_page(built_site, edition, module)
        roots = page.all("div", "cascade-check")
        if not module.knowledge_check:
            assert not roots, module.id
            continue
        [root] = roots
        checked += 1
        assert root.attrs["data-module"] == module.id
        assert root.attrs["data-module-version"] == str(module.version)
        assert root.attrs["data-questions"].split() == [q.id for q in module.knowledge_check]
        assert [h.attrs.get("id") for h in page.all("h2")].count("check-what-you-know") == 1
        forms = root.all("form")
        assert len(forms) == len(module.knowledge_check)
        for form, question in zip(forms, module.knowledge_check, strict=True):
            _check_question(form, question, module.id)
    assert checked, f"no module of the {edition} edition has a knowledge check"


def _check_question(form: Node, question, module_id: str) -> None:
    where = f"{module_id}/{question.id}"
    assert form.attrs["data-question"] == question.id, where
    [fieldset] = form.all("fieldset")
    [legend] = fieldset.all("legend")
    assert html.unescape(question.question) in legend.words(), where
    inputs = fieldset.all("input")
    kind = "radio" if question.kind == "single" else "checkbox"
    assert [i.attrs["type"] for i in inputs] == [kind] * len(question.answers), where
    assert len({i.attrs["name"] for i in inputs}) == 1, where
    labels = {label.attrs["for"]: label.words() for label in fieldset.all("label")}
    for field, answer in zip(inputs, question.answers, strict=True):
        assert labels[field.attrs["id"]] == answer.text, where  # every box has its own label
        assert field.attrs["data-correct"] == ("true" if answer.correct else "false")
    [button] = form.all("button")
    assert button.attrs["type"] == "submit" and button.words() == "Check my answer"
    assert "hidden" in button.attrs, "the button shows only when the script runs"
    [live] = form.all("div", "cascade-check__feedback")
    assert live.attrs["role"] == "status" and live.attrs["aria-live"] == "polite" and not live.words()
    # Without a script, the feedback is still in the page, behind a <details>.
    [details] = form.all("details")
    explained = details.words()
    for answer in question.answers:
        assert answer.feedback in explained, where


def test_supporter_pages_load_the_script_from_the_site_itself(built_site):
    site = built_site / "site" / "supporter"
    script = site / "assets" / "javascripts" / "knowledge-check.js"
    assert script.exists()
    page = (site / "modules" / "peer-support-role" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<script src="\.\./\.\./assets/javascripts/knowledge-check\.js"></script>', page)
    assert "fetch(" not in script.read_text(encoding="utf-8")  # it never calls anything
    with zipfile.ZipFile(built_site / "carer-peer-support-training-offline.zip") as archive:
        names = archive.namelist()
        root = "carer-peer-support-training/"
        assert root + "assets/javascripts/knowledge-check.js" in names
        offline = archive.read(root + "modules/peer-support-role/index.html").decode()
        assert 'class="cascade-check"' in offline and "assets/javascripts/knowledge-check.js" in offline


def test_what_changed_index_in_both_editions(built_site, curriculum):
    from cascade.site.what_changed import refresher_changes

    previous, changes = refresher_changes(curriculum)
    for edition in ("supporter", "trainer"):
        page = Tree((built_site / "site" / edition / "what-changed" / "index.html").read_text(encoding="utf-8")).root
        [article] = page.all("article")
        text = article.words()
        assert "What changed since the last release" in text
        if not changes:
            assert "No module has changed in a big way" in text
        for change in changes:
            assert (built_site / "site" / edition / "what-changed" / change.module_id / "index.html").exists()
