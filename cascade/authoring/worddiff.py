"""Word-level differences between two texts, for people rather than for patch tools.

Texts are compared paragraph by paragraph (a paragraph is one item of a list of blocks: a
paragraph, a list item, a heading ...), and changed paragraphs word by word, so a reviewer
sees "the carer [-must-]{+can+} call" instead of two whole lines of raw Markdown.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

_WORD_RE = re.compile(r"\S+")
_NORMALISE_RE = re.compile(r"[^\w]+", re.UNICODE)
# Below this similarity two paragraphs count as one removed and one added, not as one changed.
PAIRING_RATIO = 0.35


@dataclass(frozen=True)
class Chunk:
    op: str  # "equal", "insert" or "delete"
    text: str


@dataclass
class ParagraphChange:
    kind: str  # "added", "removed" or "changed"
    old: str = ""
    new: str = ""
    chunks: list[Chunk] = field(default_factory=list)  # for "changed"


def words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def normalise_word(word: str) -> str:
    """A word as the version rules compare it: lower case, without punctuation."""
    return _NORMALISE_RE.sub("", word).casefold()


def diff_words(old: str, new: str) -> list[Chunk]:
    """Word-level chunks turning `old` into `new` (whitespace is not a change)."""
    a, b = words(old), words(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    chunks: list[Chunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            chunks.append(Chunk("equal", " ".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            chunks.append(Chunk("delete", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            chunks.append(Chunk("insert", " ".join(b[j1:j2])))
    return chunks


def changed_word_count(old: str, new: str) -> int:
    """How many words changed, ignoring case, punctuation and whitespace.

    A word replaced by another counts once; a word added or removed counts once.
    """
    a = [w for w in (normalise_word(x) for x in words(old)) if w]
    b = [w for w in (normalise_word(x) for x in words(new)) if w]
    count = 0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            count += max(i2 - i1, j2 - j1)
    return count


def diff_paragraphs(old: list[str], new: list[str]) -> list[ParagraphChange]:
    """The paragraphs added, removed and changed between two lists of paragraphs."""
    result: list[ParagraphChange] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "delete":
            result.extend(ParagraphChange("removed", old=p) for p in old[i1:i2])
        elif tag == "insert":
            result.extend(ParagraphChange("added", new=p) for p in new[j1:j2])
        else:
            result.extend(_pair(old[i1:i2], new[j1:j2]))
    return result


def _pair(old: list[str], new: list[str]) -> list[ParagraphChange]:
    """Match replaced paragraphs to their most similar counterpart, keeping the order."""
    result: list[ParagraphChange] = []
    j = 0
    for paragraph in old:
        best, best_ratio = None, PAIRING_RATIO
        for k in range(j, len(new)):
            ratio = difflib.SequenceMatcher(None, words(paragraph), words(new[k]),
                                            autojunk=False).ratio()
            if ratio > best_ratio:
                best, best_ratio = k, ratio
        if best is None:
            result.append(ParagraphChange("removed", old=paragraph))
            continue
        result.extend(ParagraphChange("added", new=p) for p in new[j:best])
        chunks = diff_words(paragraph, new[best])
        result.append(ParagraphChange("changed", paragraph, new[best], chunks))
        j = best + 1
    result.extend(ParagraphChange("added", new=p) for p in new[j:])
    return result


def render_terminal(chunks: list[Chunk]) -> str:
    """Chunks as `git diff --word-diff` writes them: [-removed-] and {+added+}."""
    out = []
    for chunk in chunks:
        if chunk.op == "equal":
            out.append(chunk.text)
        elif chunk.op == "delete":
            out.append(f"[-{chunk.text}-]")
        else:
            out.append(f"{{+{chunk.text}+}}")
    return " ".join(part for part in out if part)


_MD_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]<>#|~])")


def escape_markdown(text: str) -> str:
    """Plain text that Markdown shows exactly as written."""
    text = _MD_SPECIAL_RE.sub(r"\\\1", text)
    return re.sub(r"^(\s*)([-+]|\d+[.)])(\s)", r"\1\\\2\3", text)


def render_markdown(chunks: list[Chunk]) -> str:
    """Chunks as Markdown a reviewer can read, and a screen reader can say:
    [removed: ~~old words~~] [added: **new words**]."""
    out = []
    for chunk in chunks:
        text = escape_markdown(chunk.text)
        if chunk.op == "equal":
            out.append(text)
        elif chunk.op == "delete":
            out.append(f"\\[removed: ~~{text}~~\\]")
        else:
            out.append(f"\\[added: **{text}**\\]")
    return " ".join(part for part in out if part)


def render_html(chunks: list[Chunk]) -> str:
    """Chunks as HTML for the site: [removed: <del>old</del>] [added: <ins>new</ins>]."""
    from html import escape

    out = []
    for chunk in chunks:
        text = escape(chunk.text, quote=False)
        if chunk.op == "equal":
            out.append(text)
        elif chunk.op == "delete":
            out.append(f"[removed: <del>{text}</del>]")
        else:
            out.append(f"[added: <ins>{text}</ins>]")
    return " ".join(part for part in out if part)
