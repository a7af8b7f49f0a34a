"""Readability of carer-facing text (Flesch-Kincaid grade via textstat).

Reading age is about the US grade + 5, so the programme's target of reading age 9 to 11 is
grade 4 to 6. List items, headings and table cells count as sentences of their own: a bullet
list is not one long sentence to the reader, so it must not be one to the formula either.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown
import textstat

_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote", "div"}
_SKIP_TAGS = {"code", "pre", "script", "style"}


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self.skip += 1
        if tag in _BLOCK_TAGS:
            self._end_sentence()

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS and self.skip:
            self.skip -= 1
        if tag in _BLOCK_TAGS:
            self._end_sentence()

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

    def _end_sentence(self):
        text = "".join(self.parts).rstrip()
        if text and text[-1] not in ".!?:;":
            self.parts.append(".")
        self.parts.append(" ")


_BLOCK_HEADER_RE = re.compile(r'^ *(!!!|\?\?\?\+?) *[\w-]+(?: +"[^"]*")?.*$', re.MULTILINE)


def plain_text(markdown_text: str) -> str:
    """Readable prose from Markdown: block headers, code, links' targets and HTML removed."""
    text = _BLOCK_HEADER_RE.sub("", markdown_text)
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text, flags=re.DOTALL)  # macros
    text = re.sub(r"^\*\[[^\]]+\]:.*$", "", text, flags=re.MULTILINE)  # abbreviations
    # Admonition content is indented; dedent so it is not read as code.
    text = "\n".join(line[4:] if line.startswith("    ") else line for line in text.splitlines())
    text = "\n".join(line[4:] if line.startswith("    ") else line for line in text.splitlines())
    html = markdown.markdown(text, extensions=["tables", "attr_list", "def_list"])
    collector = _TextCollector()
    collector.feed(html)
    collector._end_sentence()
    return re.sub(r"\s+", " ", "".join(collector.parts)).strip()


def grade(text: str) -> float | None:
    """Flesch-Kincaid grade of plain text; None when there is too little text to judge."""
    if textstat.lexicon_count(text) < 30:
        return None
    return round(float(textstat.flesch_kincaid_grade(text)), 1)


def grade_of_markdown(markdown_text: str) -> float | None:
    return grade(plain_text(markdown_text))


def reading_age(us_grade: float | None) -> float | None:
    return None if us_grade is None else round(us_grade + 5, 1)
