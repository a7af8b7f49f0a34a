"""Accessibility checks shared by the browser tests (WCAG 2.2 AA).

- `axe_violations(page)`: axe-core (through axe-playwright-python) with the WCAG 2.0/2.1/2.2 A and AA
  rules; the serious and critical ones, each with page, rule and element selector.
- `StaticServer`: serves a built site edition on 127.0.0.1 (a free port) in a thread.
- `site_pages` / `crawl`: every page of a built edition; same-origin GET links from a start page.
- `empty_form_submissions`: each data-entry form on a page submitted empty, to reach its error state.
- keyboard helpers (`tab_through`, `focus_styles_differ`), phone checks (`sideways_scroll`,
  `small_targets`) and `screenshot`.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from axe_playwright_python.sync_playwright import Axe

REPO = Path(__file__).resolve().parents[2]
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
FAILING_IMPACTS = ("serious", "critical")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
MIN_TARGET = 24  # CSS px, WCAG 2.2 success criterion 2.5.8 (level AA)

_axe = Axe()


# --------------------------------------------------------------------------------------------
# axe-core


@dataclass(frozen=True)
class Violation:
    page: str
    rule: str
    impact: str
    selector: str
    help: str

    def __str__(self) -> str:
        return f"{self.page}: {self.rule} ({self.impact}) at {self.selector} - {self.help}"


def axe_violations(page, label: str | None = None, impacts=FAILING_IMPACTS) -> list[Violation]:
    """Run axe-core on the page as it is now; return the violations of the given impacts."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": list(AXE_TAGS)},
                                      "resultTypes": ["violations"]})
    where = label or page.url
    found = []
    for rule in results.response["violations"]:
        for node in rule["nodes"]:
            impact = node.get("impact") or rule.get("impact") or "unknown"
            if impact in impacts:
                selector = " ".join(str(t) for t in node["target"])
                found.append(Violation(where, rule["id"], impact, selector, rule["help"]))
    return found


def report(problems, heading: str) -> str:
    lines = [str(p) for p in problems]
    return f"{heading} ({len(lines)}):\n  " + "\n  ".join(lines)


# --------------------------------------------------------------------------------------------
# Serving and walking pages


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output short
        pass


class StaticServer:
    """A built site folder served on 127.0.0.1 at a free port, in a thread."""

    def __init__(self, root: Path):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def site_pages(edition_dir: Path) -> list[str]:
    """Every built HTML page of an edition, as URL paths relative to its root ('' is the home page)."""
    paths = []
    for html in sorted(edition_dir.rglob("*.html")):
        rel = html.relative_to(edition_dir).as_posix()
        if rel.startswith("assets/"):
            continue
        paths.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return paths


def url_pattern(url: str) -> str:
    """A page's kind: the path with numbers replaced, plus the names of its query parameters."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/{n}", parts.path) or "/"
    keys = sorted({p.split("=", 1)[0] for p in parts.query.split("&") if p})
    return path + ("?" + "&".join(keys) if keys else "")


def links_on(page) -> list[str]:
    return page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")


def crawl(page, start_urls: list[str], *, max_pages: int = 40, per_pattern: int = 1,
          skip: Callable[[str], bool] = lambda url: False) -> Iterator[tuple[str, int]]:
    """Visit same-origin GET links breadth first from the start URLs; yield (url, status) with the
    page loaded. At most `per_pattern` pages of one kind (see url_pattern) and `max_pages` in all."""
    origin = urlsplit(start_urls[0])[:2]
    queue = deque(start_urls)
    queued = set(start_urls)
    done: set[str] = set()
    kinds: Counter[str] = Counter()
    while queue and len(done) < max_pages:
        url = queue.popleft()
        if kinds[url_pattern(url)] >= per_pattern:
            continue
        response = page.goto(url)
        page.wait_for_load_state("load")
        final = urldefrag(page.url)[0]
        if final in done or kinds[url_pattern(final)] >= per_pattern:
            continue  # a redirect to somewhere already seen
        done.add(final)
        kinds[url_pattern(final)] += 1
        content_type = (response.headers.get("content-type", "") if response else "text/html")
        if "html" not in content_type:
            continue
        yield final, (response.status if response else 0)
        for link in links_on(page):
            link = urldefrag(link)[0]
            if urlsplit(link)[:2] != origin or link in queued or skip(link):
                continue
            queued.add(link)
            queue.append(link)


FIELDS_JS = """form => [...form.elements].filter(el =>
    !['hidden', 'submit', 'button', 'reset'].includes(el.type) && el.tagName !== 'BUTTON' &&
    el.tagName !== 'FIELDSET' && el.tagName !== 'OBJECT').length"""

EMPTY_FORM_JS = """form => {
  for (const el of form.elements) {
    if (['hidden', 'submit', 'button', 'reset'].includes(el.type) || el.tagName === 'BUTTON') continue
    if (el.type === 'checkbox' || el.type === 'radio') el.checked = false
    else if (el.tagName === 'SELECT') {
      const empty = [...el.options].find(o => o.value === '')
      if (empty) el.value = ''
    } else if ('value' in el) el.value = ''
  }
}"""


def data_forms(page) -> int:
    """How many forms in the main content post data typed in by the user."""
    count = 0
    for form in page.locator("main form").all():
        method = (form.get_attribute("method") or "get").lower()
        if method == "post" and form.evaluate(FIELDS_JS) > 0:
            count += 1
    return count


def submit_empty(page, index: int) -> None:
    """Empty every field of the index-th data-entry form in main and press its main button."""
    forms = [f for f in page.locator("main form").all()
             if (f.get_attribute("method") or "get").lower() == "post" and f.evaluate(FIELDS_JS) > 0]
    form = forms[index]
    form.evaluate(EMPTY_FORM_JS)
    button = form.locator("button:not([formaction]), input[type=submit]").first
    with page.expect_navigation():
        button.click()


ERROR_LINKS_JS = """() => [...document.querySelectorAll('.nhsuk-error-summary a[href^="#"]')]
  .map(a => a.getAttribute('href'))
  .filter(href => !document.getElementById(decodeURIComponent(href.slice(1))))"""


def broken_error_links(page) -> list[str]:
    """Error summary links that point at no element on the page."""
    return page.evaluate(ERROR_LINKS_JS)


# --------------------------------------------------------------------------------------------
# Keyboard

FOCUS_INFO_JS = """() => {
  const el = document.activeElement
  if (!el || el === document.body || el === document.documentElement) return null
  window.__tabbed = window.__tabbed || []
  let index = window.__tabbed.indexOf(el)
  if (index < 0) { window.__tabbed.push(el); index = window.__tabbed.length - 1 }
  const r = el.getBoundingClientRect()
  const main = document.querySelector('main, [role=main]')
  return {index, tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
          href: el.getAttribute('href'), id: el.id, inMain: !!(main && main.contains(el)),
          visible: r.width > 1 && r.height > 1, rect: [r.x, r.y, r.width, r.height]}
}"""

STYLE_SIGNATURE_JS = """el => {
  const props = ['outline-style', 'outline-width', 'outline-color', 'box-shadow', 'background-color',
                 'color', 'text-decoration-line', 'text-decoration-thickness', 'border-top-color', 'border-bottom-color',
                 'border-bottom-width']
  const sig = (node, pseudo) => {
    if (!node) return ''
    const s = getComputedStyle(node, pseudo)
    return props.map(p => s.getPropertyValue(p)).join('|')
  }
  const label = el.labels && el.labels[0]
  return [sig(el), sig(el, '::before'), sig(el, '::after'), sig(el.parentElement),
          sig(label), label ? sig(label, '::before') : '', label ? sig(label, '::after') : '',
          ...[...el.children].slice(0, 3).map(c => sig(c))].join('\\n')
}"""

FOCUSABLE_JS = """() => {
  const sel = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), ' +
              'textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])'
  return [...document.querySelectorAll(sel)].filter(el => {
    if (el.closest('[inert], [hidden]')) return false
    if (el.tabIndex < 0) return false
    const s = getComputedStyle(el)
    if (s.visibility === 'hidden' || s.display === 'none') return false
    const r = el.getBoundingClientRect()
    // Visually hidden until focused (skip links) still count; zero-size without that do not.
    return r.width > 0 || r.height > 0 || el.matches('.nhsuk-skip-link, .md-skip')
  }).filter(el => el.checkVisibility ? el.checkVisibility({visibilityProperty: true}) : true)
    .map(el => ({tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
                 href: el.getAttribute('href'), id: el.id, name: el.getAttribute('name') || ''}))
}"""


def focusable(page) -> list[dict]:
    """Every element that should be reachable with Tab, in document order."""
    return page.evaluate(FOCUSABLE_JS)


def tab_through(page, limit: int = 400, backwards: bool = False) -> list[dict]:
    """Press Tab (or Shift+Tab) from the top of the page until focus leaves the page or comes back
    round; return what had focus, in order."""
    page.evaluate("() => { window.__tabbed = []; document.activeElement && document.activeElement.blur() }")
    seen = []
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        info = page.evaluate(FOCUS_INFO_JS)
        if info is None:
            break  # focus left the document
        if seen and info["index"] == seen[0]["index"]:
            break  # came round to the first control again
        if any(s["index"] == info["index"] for s in seen):
            raise AssertionError(f"keyboard trap: focus went back to {info} after {seen[-1]}")
        seen.append(info)
    else:
        raise AssertionError(f"keyboard trap: focus never left the page after {limit} presses of {key}")
    return seen


def focus_styles_differ(page, index: int) -> bool:
    """Whether the index-th tabbed element looks different when focused by keyboard than when not."""
    handle = page.evaluate_handle(f"() => window.__tabbed[{index}]")
    page.evaluate("el => el.blur()", handle)
    unfocused = page.evaluate(STYLE_SIGNATURE_JS, handle)
    # Focus it again from the keyboard's point of view: focus the previous element, then Tab.
    previous = index - 1
    if previous >= 0:
        page.evaluate(f"() => window.__tabbed[{previous}].focus()")
    else:
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    same = page.evaluate("el => document.activeElement === el", handle)
    if not same:
        page.evaluate("el => el.focus({focusVisible: true})", handle)
    focused = page.evaluate(STYLE_SIGNATURE_JS, handle)
    return focused != unfocused


def tab_to(page, matches: Callable[[dict], bool], limit: int = 200) -> dict:
    """Press Tab until the focused element matches; return its description."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_INFO_JS)
        if info and matches(info):
            return info
    raise AssertionError("no focusable element matched")


# --------------------------------------------------------------------------------------------
# Phone-sized screens

SIDEWAYS_JS = """() => {
  const doc = document.scrollingElement || document.documentElement
  const wide = []
  if (doc.scrollWidth > window.innerWidth) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect()
      if (r.right > window.innerWidth + 1 && r.width > 0 && getComputedStyle(el).position !== 'fixed') {
        let p = el.parentElement, clipped = false
        while (p && p !== document.body) {
          const o = getComputedStyle(p).overflowX
          if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') { clipped = true; break }
          p = p.parentElement
        }
        if (!clipped) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                                (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''))
      }
    }
  }
  return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, wide: wide.slice(0, 5)}
}"""


def sideways_scroll(page) -> dict | None:
    """None if the page fits the window's width; else the widths and the widest elements."""
    info = page.evaluate(SIDEWAYS_JS)
    return None if info["scrollWidth"] <= info["innerWidth"] else info


TARGETS_JS = """minimum => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label[for], [role=button], ' +
              '[role=link], [role=checkbox], [role=radio], [role=tab], [tabindex]:not([tabindex="-1"])'
  const rectOf = el => el.getBoundingClientRect()
  const shown = el => {
    if (el.closest('[hidden], [inert]')) return false
    const s = getComputedStyle(el)
    if (s.display === 'none' || s.visibility === 'hidden') return false
    if (el.checkVisibility && !el.checkVisibility({opacityProperty: false, visibilityProperty: true})) return false
    const r = rectOf(el)
    if (r.width <= 1 || r.height <= 1) return false          // visually hidden until focused
    if (r.right <= 0 || r.bottom <= 0 || r.left >= window.innerWidth) return false  // off-canvas drawers
    return true
  }
  const blockOf = el => {
    let p = el.parentElement
    while (p && getComputedStyle(p).display.startsWith('inline')) p = p.parentElement
    return p
  }
  // Inline exception: a link inside a sentence, i.e. its block has text besides the link's own.
  const inSentence = el => {
    if (!getComputedStyle(el).display.startsWith('inline') || getComputedStyle(el).display === 'inline-block') return false
    const block = blockOf(el)
    if (!block) return false
    const own = (el.textContent || '').trim().length
    const all = (block.textContent || '').replace(/\\s+/g, ' ').trim().length
    return all - own >= 3
  }
  // User-agent exception: native controls drawn by the browser at its own size.
  const userAgentSized = el => {
    if (el.tagName === 'INPUT' && ['checkbox', 'radio', 'date', 'color', 'file'].includes(el.type)) {
      return getComputedStyle(el).appearance !== 'none'
    }
    return false
  }
  let targets = [...document.querySelectorAll(sel)].filter(shown)
  // A control whose own box is hidden but stands for its label (NHS.UK radios) is measured by the label.
  targets = targets.filter(el => !(el.tagName === 'INPUT' && getComputedStyle(el).opacity === '0' && el.labels && el.labels.length))
  const small = targets.filter(el => {
    const r = rectOf(el)
    return (r.width < minimum - 0.5 || r.height < minimum - 0.5) && !inSentence(el) && !userAgentSized(el)
  })
  // Spacing exception: a 24 px circle centred on the small target overlaps no other target.
  const distToRect = (x, y, r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom))
  const failing = small.filter(el => {
    const r = rectOf(el), cx = r.left + r.width / 2, cy = r.top + r.height / 2
    return targets.some(other => {
      if (other === el || other.contains(el) || el.contains(other)) return false
      if (el.tagName === 'LABEL' && el.control === other) return false
      if (other.tagName === 'LABEL' && other.control === el) return false
      const o = rectOf(other)
      if (small.includes(other)) {
        return Math.hypot(cx - (o.left + o.width / 2), cy - (o.top + o.height / 2)) < minimum
      }
      return distToRect(cx, cy, o) < minimum / 2
    })
  })
  const describe = el => {
    const r = rectOf(el)
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.getAttribute('title') || '').trim().replace(/\\s+/g, ' ').slice(0, 40)
    const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : ''
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} "${text}" ${Math.round(r.width)}x${Math.round(r.height)}`
  }
  return failing.map(describe)
}"""


def small_targets(page, minimum: int = MIN_TARGET) -> list[str]:
    """Pointer targets smaller than minimum x minimum CSS px that no WCAG 2.5.8 exception covers."""
    return page.evaluate(TARGETS_JS, minimum)


# --------------------------------------------------------------------------------------------
# Screenshots

SCREENSHOTS = REPO / "screenshots"


def screenshots_wanted() -> bool:
    return os.environ.get("CASCADE_SCREENSHOTS", "").lower() in ("1", "true", "yes")


def screenshot(page, name: str, full_page: bool = False) -> Path | None:
    """Save a PNG into screenshots/ (git-ignored) when CASCADE_SCREENSHOTS=1."""
    if not screenshots_wanted():
        return None
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
