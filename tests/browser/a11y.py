"""Accessibility checks shared by the browser tests (WCAG 2.2 AA).

- axe-core through axe-playwright-python with the WCAG 2.0/2.1/2.2 A and AA rules:
  `axe_violations(page)` for one page, `AxeQueue` to let axe work in one tab while another loads.
  Only serious and critical violations fail; each names page, rule and element selector.
- `scan_site` / `scan_tracker`: every page of a built site edition, or every page a tracker role can
  reach (same-origin GET links from the start page, one page of each kind, bounded), each loaded
  once: axe at desktop size, then the phone checks at 360 CSS px on the same load. A site page also
  gets axe again at 360 px and the target check at 1280 px. The tracker scan also submits each
  data-entry form empty and checks its error state.
- phone checks: `sideways_scroll` (the page must not scroll sideways) and `small_targets`
  (WCAG 2.5.8: targets of at least 24 by 24 CSS px, with its spacing, inline and user-agent
  exceptions).
- keyboard: `tab_through` (focus order, keyboard traps, focus indicator), `unreached`, `tab_to`.
- `screenshot` writes PNGs into screenshots/ when asked to.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

REPO = Path(__file__).resolve().parents[2]
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": list(AXE_TAGS)}, "resultTypes": ["violations"]}
FAILING_IMPACTS = ("serious", "critical")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
MIN_TARGET = 24  # CSS px: WCAG 2.2 success criterion 2.5.8, level AA

_axe = Axe()  # carries axe-core (axe.min.js) as shipped by axe-playwright-python


# --------------------------------------------------------------------------------------------
# axe-core


@dataclass(frozen=True)
class Problem:
    """One failed check: where, which rule, which element, and what it means."""

    page: str
    rule: str
    impact: str
    selector: str
    help: str

    def __str__(self) -> str:
        return f"{self.page}: {self.rule} ({self.impact}) at {self.selector} - {self.help}"


def _select(violations: list[dict], label: str, impacts) -> list[Problem]:
    found = []
    for rule in violations:
        for node in rule["nodes"]:
            impact = node.get("impact") or rule.get("impact") or "unknown"
            if impact in impacts:
                selector = " ".join(str(t) for t in node["target"])
                found.append(Problem(label, rule["id"], impact, selector, rule["help"]))
    return found


def axe_violations(page, label: str | None = None, impacts=FAILING_IMPACTS) -> list[Problem]:
    """Run axe-core (WCAG A/AA rules) on the page as it is now; return violations of those impacts."""
    results = _axe.run(page, options=AXE_OPTIONS)
    return _select(results.response["violations"], label or page.url, impacts)


# axe.run does most of its work before its promise yields, so start it from a timer: the call
# returns at once and axe works in the page while Python loads the next page in another tab.
_START_AXE = """options => {
  window.__cascadeAxe = new Promise(resolve => setTimeout(resolve, 0))
    .then(() => axe.run(document, options)).then(r => r.violations)
}"""


class AxeQueue:
    """The same axe-core run, started in a tab and collected later, so that axe works in one tab
    while the test loads the next page in another (each tab has its own renderer process)."""

    def __init__(self, impacts=FAILING_IMPACTS):
        self.impacts = impacts
        self.pending: dict[int, tuple[object, str]] = {}
        self.problems: list[Problem] = []
        self.checked: list[str] = []

    def start(self, page, label: str) -> None:
        self.finish(page)
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(_axe.axe_script)
        page.evaluate(_START_AXE, AXE_OPTIONS)
        self.pending[id(page)] = (page, label)

    def finish(self, page) -> None:
        item = self.pending.pop(id(page), None)
        if item is not None:
            violations = page.evaluate("() => window.__cascadeAxe")
            self.problems += _select(violations, item[1], self.impacts)
            self.checked.append(item[1])

    def finish_all(self) -> None:
        for page, _ in list(self.pending.values()):
            self.finish(page)


def report(problems, heading: str) -> str:
    lines = [str(p) for p in problems]
    return f"{heading} ({len(lines)}):\n  " + "\n  ".join(lines)


# --------------------------------------------------------------------------------------------
# Serving and walking pages


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
    """A page's kind: its path with numbers replaced, plus the names of its query parameters."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/{n}", parts.path) or "/"
    keys = sorted({p.split("=", 1)[0] for p in parts.query.split("&") if p})
    return path + ("?" + "&".join(keys) if keys else "")


def crawl(pages: list, start_urls: list[str], *, max_pages: int = 60, per_pattern: int = 1,
          skip: Callable[[str], bool] = lambda url: False,
          before_navigate: Callable[[object], None] = lambda page: None) -> Iterator[tuple]:
    """Follow same-origin GET links breadth first from the start URLs, loading them in turn in the
    given tabs (signed in as the same user). Yields (page, url, status) with the
    page loaded; at most `per_pattern` pages of one kind (see url_pattern) and `max_pages` in all.
    `before_navigate(page)` runs before a tab leaves its page (to collect checks still running)."""
    origin = urlsplit(start_urls[0])[:2]
    queue = deque(start_urls)
    queued = set(start_urls)
    done: set[str] = set()
    kinds: Counter[str] = Counter()
    turn = 0
    while queue and len(done) < max_pages:
        url = queue.popleft()
        if kinds[url_pattern(url)] >= per_pattern:
            continue
        page = pages[turn % len(pages)]
        turn += 1
        before_navigate(page)
        response = page.goto(url)
        final = urldefrag(page.url)[0]
        if final in done or (final != url and kinds[url_pattern(final)] >= per_pattern):
            continue  # redirected somewhere already seen
        done.add(final)
        kinds[url_pattern(final)] += 1
        if response is not None and "html" not in response.headers.get("content-type", "html"):
            continue
        for link in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            link = urldefrag(link)[0]
            if urlsplit(link)[:2] == origin and link not in queued and not skip(link):
                queued.add(link)
                queue.append(link)
        yield page, final, (response.status if response is not None else 0)


@contextmanager
def open_tabs(browser, count: int = 2, viewport=DESKTOP, sign_in: Callable | None = None):
    """`count` tabs, each in its own browser context (so each is a foreground window that renders
    at full speed), each signed in with sign_in(page) if given."""
    contexts = [browser.new_context(viewport=viewport) for _ in range(count)]
    for context in contexts:
        context.add_init_script(script=_axe.axe_script)  # sent once, not once per page
    tabs = [context.new_page() for context in contexts]
    for tab in tabs:
        tab.set_default_timeout(20000)
    if sign_in is not None:
        sign_in(tabs[0])
        for context in contexts[1:]:
            context.add_cookies(contexts[0].cookies())
    try:
        yield tabs
    finally:
        for context in contexts:
            context.close()


# --------------------------------------------------------------------------------------------
# Forms and their error states

_DATA_FORMS = """() => [...document.querySelectorAll('main form')].filter(form =>
  (form.getAttribute('method') || 'get').toLowerCase() === 'post' &&
  [...form.elements].some(el => !['hidden', 'submit', 'button', 'reset'].includes(el.type) &&
                                ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)))"""

_EMPTY_AND_SUBMIT = """([forms, index]) => {
  const form = forms[index]
  for (const el of form.elements) {
    if (['hidden', 'submit', 'button', 'reset'].includes(el.type) || el.tagName === 'BUTTON') continue
    if (el.type === 'checkbox' || el.type === 'radio') el.checked = false
    else if (el.tagName === 'SELECT') {
      const empty = [...el.options].find(o => o.value === '')
      if (empty) el.value = ''
    } else if ('value' in el) el.value = ''
  }
  const button = form.querySelector('button:not([formaction]):not([type=button]), input[type=submit]')
  if (button) button.click(); else form.requestSubmit()
}"""


def data_forms(page) -> int:
    """How many forms in the main content post data typed or chosen by the user."""
    return page.evaluate(f"() => ({_DATA_FORMS})().length")


def submit_empty(page, index: int = 0) -> None:
    """Empty every field of the index-th data-entry form in main and press its main button."""
    forms = page.evaluate_handle(_DATA_FORMS)
    with page.expect_navigation():
        page.evaluate(_EMPTY_AND_SUBMIT, [forms, index])


_BROKEN_ERROR_LINKS = """() => [...document.querySelectorAll('.nhsuk-error-summary a[href^="#"]')]
  .map(a => a.getAttribute('href'))
  .filter(href => href !== '#maincontent' && !document.getElementById(decodeURIComponent(href.slice(1))))"""


def broken_error_links(page) -> list[str]:
    """Error summary links that point at no field on the page."""
    return page.evaluate(_BROKEN_ERROR_LINKS)


_SIGNATURE = r"""() => {
  // The structure of the main content without its words: pages that differ only in text (another
  // person, another course) give the same signature. Repeated identical siblings count once.
  const keep = /^(class|role|type|tabindex|scope|colspan|rowspan|lang|hidden|open|disabled|aria-.*)$/
  const sig = el => {
    const attrs = [...el.attributes].filter(a => keep.test(a.name))
      .map(a => a.name + '=' + (a.name.startsWith('aria-') && a.name.endsWith('by') ? '' : a.value.replace(/\d+/g, '#')))
    const kids = [], seen = new Set()
    for (const child of el.children) {
      const s = sig(child)
      if (!seen.has(s)) { seen.add(s); kids.push(s) }
    }
    const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) ? 't' : ''
    return el.tagName + '[' + attrs.join(',') + ']' + text + '(' + kids.join(';') + ')'
  }
  const main = document.querySelector('main') || document.body
  return document.title.replace(/[^-]*-/, '') + sig(main)
}"""


def structure_signature(page) -> str:
    return hashlib.sha1(page.evaluate(_SIGNATURE).encode()).hexdigest()


# --------------------------------------------------------------------------------------------
# Scans: axe at desktop size, then the phone checks at 360 px on the same load


@dataclass
class Scan:
    pages: list[str] = field(default_factory=list)
    axe_checked: list[str] = field(default_factory=list)
    axe: list[Problem] = field(default_factory=list)
    phone: list[Problem] = field(default_factory=list)
    # Site scans only: axe again at 360 px, and the 24 px target check at 1280 px too.
    axe_phone_checked: list[str] = field(default_factory=list)
    axe_phone: list[Problem] = field(default_factory=list)
    desktop_targets: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)  # error pages reached by links, broken error links


def _settle(page) -> None:
    """Let resize handlers that wait for an animation frame (NHS.UK header, Material) run."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def phone_problems(page, label: str) -> list[Problem]:
    found = []
    wide = sideways_scroll(page)
    if wide:
        found.append(Problem(label, "sideways-scroll", "phone", ", ".join(wide["wide"]) or "(document)",
                             f"the page is {wide['scrollWidth']} px wide in a {wide['innerWidth']} px window"))
    for target in small_targets(page):
        found.append(Problem(label, "target-size-24", "phone", target, "target smaller than 24 by 24 CSS px"))
    return found


def _phone_check(scan: Scan, page, label: str, axe: bool = False) -> None:
    """Resize the loaded page to a phone's width and check it (with `axe`, axe-core too). Some
    layout follows a resize only after a short delay (Material's search bar, for one), so a
    problem must still be there after the page has had time to settle."""
    page.set_viewport_size(PHONE)
    _settle(page)
    problems = phone_problems(page, label)
    for _ in range(3):
        if not problems:
            break
        page.wait_for_timeout(400)
        problems = [p for p in phone_problems(page, label) if p in problems]
    scan.phone += problems
    if axe:
        # Run here, in this tab, while the other tab's axe run at 1280 px carries on in its own
        # renderer: the phone run costs about half of the desktop one (no sidebar, same content).
        scan.axe_phone += axe_violations(page, f"{label} at {PHONE['width']} px")
        scan.axe_phone_checked.append(label)
    page.set_viewport_size(DESKTOP)


def desktop_target_problems(page, label: str) -> list[Problem]:
    return [Problem(label, "target-size-24", "desktop", target, "target smaller than 24 by 24 CSS px at "
                    f"{DESKTOP['width']} px") for target in small_targets(page)]


class _PageChecks:
    """axe runs in a tab while the other tab loads; once a tab's axe run is collected, the same
    page gets the phone checks. Results go into the scan."""

    def __init__(self, scan: Scan, both_sizes: bool = False):
        self.scan = scan
        self.both_sizes = both_sizes  # axe at 360 px too, and the target check at 1280 px too
        self.queue = AxeQueue()
        self.waiting: dict[int, str] = {}  # tab -> label of the page whose axe run is still going

    def start(self, tab, label: str) -> None:
        self.queue.start(tab, label)
        self.waiting[id(tab)] = label

    def settle(self, tab) -> None:
        """Collect the tab's axe run and phone-check its page (before the tab moves on)."""
        self.queue.finish(tab)
        label = self.waiting.pop(id(tab), None)
        if label is not None:
            if self.both_sizes:
                self.scan.desktop_targets += desktop_target_problems(tab, label)
            _phone_check(self.scan, tab, label, axe=self.both_sizes)

    def finish(self, tabs) -> None:
        for tab in tabs:
            self.settle(tab)
        self.scan.axe, self.scan.axe_checked = self.queue.problems, self.queue.checked


def scan_site(browser, base_url: str, paths: list[str], label_prefix: str) -> Scan:
    """Every given page of a site, two tabs at a time: axe and the 24 px target check at 1280 px
    and again at 360 px, and no sideways scrolling at 360 px."""
    scan = Scan()
    checks = _PageChecks(scan, both_sizes=True)
    with open_tabs(browser, 2) as tabs:
        for i, path in enumerate(paths):
            tab = tabs[i % 2]
            checks.settle(tab)
            tab.goto(f"{base_url}/{path}")
            label = f"{label_prefix}/{path}"
            scan.pages.append(label)
            checks.start(tab, label)
        checks.finish(tabs)
    return scan


def scan_tracker(browser, base_url: str, sign_in: Callable | None, *, seen_structures: set[str],
                 seen_forms: set[str], max_pages: int = 60) -> Scan:
    """Crawl what one role can reach (sign_in(page) signs that role in; None for nobody) and check
    every page with axe and the phone checks, and each data-entry form submitted empty (once per
    kind of page across roles). A page whose structure (see structure_signature) another page or
    role has already had checked is not checked again, except the role's first page, which
    carries that role's navigation."""
    scan = Scan()
    checks = _PageChecks(scan)
    forms_to_try: list[tuple[str, int, str]] = []

    def skip(url: str) -> bool:
        path = urlsplit(url).path
        return path.startswith(("/logout", "/site/", "/static/", "/health")) or path.endswith((".csv", ".zip"))

    with open_tabs(browser, 2, sign_in=sign_in) as tabs:
        starts = [f"{base_url}/"] + ([f"{base_url}/verify?code=NOT-A-CODE"] if sign_in is None else [])
        for tab, url, status in crawl(tabs, starts, max_pages=max_pages, skip=skip,
                                     before_navigate=checks.settle):
            label = url.replace(base_url, "") or "/"
            scan.pages.append(label)
            if status >= 400:
                scan.errors.append(Problem(label, f"http-{status}", "link", "(page)",
                                           "a link offered to this role leads to an error page"))
            # Everything read from the page comes before axe starts: the page answers nothing else
            # while axe runs.
            kind = url_pattern(url)
            if kind not in seen_forms:
                count = data_forms(tab)
                if count:
                    seen_forms.add(kind)
                    forms_to_try += [(url, index, f"{label} (form {index + 1} sent empty)") for index in range(count)]
            signature = structure_signature(tab)
            if len(scan.pages) == 1 or signature not in seen_structures:
                seen_structures.add(signature)
                checks.start(tab, label)
        for i, (url, index, label) in enumerate(forms_to_try):
            tab = tabs[i % 2]
            checks.settle(tab)
            tab.goto(url)
            submit_empty(tab, index)
            scan.pages.append(label)
            scan.errors += [Problem(label, "error-summary-link", "serious", href, "error summary links to no field")
                            for href in broken_error_links(tab)]
            checks.start(tab, label)
        checks.finish(tabs)
    return scan


# --------------------------------------------------------------------------------------------
# Keyboard

_FOCUS_INFO = r"""() => {
  const el = document.activeElement
  if (!el || el === document.body || el === document.documentElement) return null
  window.__tabbed = window.__tabbed || []
  let index = window.__tabbed.indexOf(el)
  if (index < 0) { window.__tabbed.push(el); index = window.__tabbed.length - 1 }
  const main = document.querySelector('main, [role=main]')
  return {index, tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 60),
          href: el.getAttribute('href'), id: el.id, type: el.getAttribute('type') || '', cls: typeof el.className === 'string' ? el.className : '',
          inMain: !!(main && main.contains(el)), shown: window.__cascadeShown(el), style: window.__cascadeStyle(el)}
}"""

_STYLE_FN = r"""() => {
  // Is any of the element on screen and on top (not entirely hidden: WCAG 2.4.11)?
  window.__cascadeShown = el => {
    const label = el.labels && el.labels[0]
    const boxes = [el.getBoundingClientRect(), ...(label ? [label.getBoundingClientRect()] : [])]
    for (const r of boxes) {
      const left = Math.max(r.left, 0), right = Math.min(r.right, innerWidth)
      const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, innerHeight)
      if (right - left < 1 || bottom - top < 1) continue
      for (const [fx, fy] of [[.5, .5], [.2, .5], [.8, .5], [.5, .2], [.5, .8]]) {
        const hit = document.elementFromPoint(left + (right - left) * fx, top + (bottom - top) * fy)
        if (hit && (el.contains(hit) || hit.contains(el) || (label && (label.contains(hit) || hit.contains(label))))) return true
      }
    }
    return false
  }
  window.__cascadeStyle = el => {
    const props = ['outline-style', 'outline-width', 'outline-color', 'box-shadow', 'background-color', 'color',
                   'text-decoration-line', 'text-decoration-thickness', 'border-top-color', 'border-bottom-color',
                   'border-bottom-width', 'transform']
    const sig = (node, pseudo) => {
      if (!node) return ''
      const s = getComputedStyle(node, pseudo)
      return props.map(p => s.getPropertyValue(p)).join('|')
    }
    const label = el.labels && el.labels[0]
    return [sig(el), sig(el, '::before'), sig(el, '::after'), sig(el.parentElement),
            sig(label), label ? sig(label, '::before') : '', label ? sig(label, '::after') : '',
            ...[...el.children].slice(0, 3).map(c => sig(c))].join('\n')
  }
}"""

_FOCUSABLE = r"""() => {
  const sel = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), ' +
              'textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])'
  const describe = el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 50)}"`
  const reachable = [...document.querySelectorAll(sel)].filter(el => {
    if (el.tabIndex < 0 || el.closest('[inert]')) return false
    if (el.type === 'radio' && el.name && !el.checked) {
      // Tab stops once in a radio group (on the checked one, else the first); arrows move inside it.
      const group = [...document.querySelectorAll(`input[type=radio][name="${CSS.escape(el.name)}"]`)]
      if (group.some(r => r.checked) || group[0] !== el) return false
    }
    if (el.checkVisibility && !el.checkVisibility({visibilityProperty: true})) return false
    const r = el.getBoundingClientRect()
    return r.width > 0 || r.height > 0
  })
  const tabbed = window.__tabbed || []
  return reachable.filter(el => !tabbed.includes(el)).map(describe)
}"""


_SEGMENTED = ("date", "time", "datetime-local", "month", "week")


_FOCUS_INDEX = r"""() => {
  const el = document.activeElement
  if (!el || el === document.body || el === document.documentElement) return null
  window.__tabbed = window.__tabbed || []
  let index = window.__tabbed.indexOf(el)
  if (index < 0) { window.__tabbed.push(el); index = window.__tabbed.length - 1 }
  return {index, tag: el.tagName.toLowerCase(), type: el.getAttribute('type') || '', shown: true,
          text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60)}
}"""


def tab_through(page, limit: int = 600, key: str = "Tab", light: bool = False) -> list[dict]:
    """Press Tab (or Shift+Tab) from the top of a freshly loaded page until focus leaves the page or
    comes round again; return what had focus, in order, with each element's focused style (unless
    `light`: order only). Fails on a keyboard trap (focus stuck or going back to an earlier element)."""
    describe = _FOCUS_INDEX if light else _FOCUS_INFO
    page.evaluate(_STYLE_FN)
    page.evaluate("() => { window.__tabbed = [] }")
    # Styles are read the moment focus arrives: switch transitions off so they show the end state.
    with suppress(PlaywrightError):  # a strict CSP refuses the style; the tracker has no transitions
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important }")
    seen: list[dict] = []
    repeats = 0
    for _ in range(limit):
        page.keyboard.press(key)
        info = page.evaluate(describe)
        if info is None:
            return seen  # focus left the page
        if seen and info["index"] == seen[0]["index"]:
            return seen  # came round to the first control again
        if seen and info["index"] == seen[-1]["index"] and info["type"] in _SEGMENTED and repeats < 6:
            repeats += 1  # Tab steps through the day, month and year of a date field
            continue
        repeats = 0
        if any(s["index"] == info["index"] for s in seen):
            raise AssertionError(f"keyboard trap: {key} went back to {info['tag']} {info['text']!r} "
                                 f"after {seen[-1]['tag']} {seen[-1]['text']!r}")
        if not info["shown"]:  # give a sliding drawer or a scroll time to finish
            page.wait_for_timeout(350)
            info["shown"] = page.evaluate("() => window.__cascadeShown(document.activeElement)")
        seen.append(info)
    raise AssertionError(f"keyboard trap: focus did not leave the page after {limit} presses of {key}")


def unreached(page) -> list[str]:
    """Controls that should take focus but that tab_through did not reach."""
    return page.evaluate(_FOCUSABLE)


def without_focus_indicator(page, seen: list[dict]) -> list[str]:
    """Tabbed elements that look the same focused as unfocused (no visible focus indicator)."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    unfocused = page.evaluate("() => window.__tabbed.map(el => window.__cascadeStyle(el))")
    return [f"{s['tag']} {s['text']!r}" for s in seen if s["style"] == unfocused[s["index"]]]


def hidden_on_focus(seen: list[dict]) -> list[str]:
    """Tabbed elements that were off screen or covered while they had focus (WCAG 2.4.7, 2.4.11)."""
    return [f"{s['tag']} {s['text']!r}" for s in seen if not s["shown"]]


def tab_to(page, matches: Callable[[dict], bool], limit: int = 200) -> dict:
    """Press Tab until the focused element matches; return its description."""
    page.evaluate(_STYLE_FN)
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(_FOCUS_INFO)
        if info and matches(info):
            return info
    raise AssertionError("Tab never reached the control")


def named(text: str) -> Callable[[dict], bool]:
    return lambda info: info["text"].lower().startswith(text.lower())


# --------------------------------------------------------------------------------------------
# Phone-sized screens

_SIDEWAYS = r"""() => {
  const doc = document.scrollingElement || document.documentElement
  if (doc.scrollWidth <= window.innerWidth) return {scrollWidth: doc.scrollWidth, innerWidth: innerWidth, wide: []}
  const wide = []
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect()
    if (r.right > innerWidth + 1 && r.width > 0 && ![...el.children].some(c => c.getBoundingClientRect().right > innerWidth + 1)) {
      const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : ''
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls)
    }
  }
  return {scrollWidth: doc.scrollWidth, innerWidth: innerWidth, wide: wide.slice(0, 4)}
}"""


def sideways_scroll(page) -> dict | None:
    """None if the page fits the window's width (scrollWidth <= innerWidth); else the widths and
    the innermost elements that stick out."""
    info = page.evaluate(_SIDEWAYS)
    return None if info["scrollWidth"] <= info["innerWidth"] else info


_TARGETS = r"""minimum => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label[for], [role=button], ' +
              '[role=link], [role=checkbox], [role=radio], [role=tab], [tabindex]:not([tabindex="-1"])'
  const rectOf = el => el.getBoundingClientRect()
  const shown = el => {
    if (el.closest('[hidden], [inert]')) return false
    if (el.checkVisibility && !el.checkVisibility({visibilityProperty: true, opacityProperty: true})) return false
    if (getComputedStyle(el).pointerEvents === 'none') return false                 // cannot be pressed now
    const r = rectOf(el)
    if (r.width <= 1 || r.height <= 1) return false                                 // visually hidden
    if (r.right <= 0 || r.bottom <= 0 || r.left >= innerWidth) return false         // off-canvas drawer
    return true
  }
  const display = el => getComputedStyle(el).display
  // Inline exception: a link in a sentence, i.e. its block holds text besides the link's own.
  const inSentence = el => {
    if (display(el) !== 'inline') return false
    let block = el.parentElement
    while (block && display(block).startsWith('inline')) block = block.parentElement
    if (!block) return false
    const own = (el.textContent || '').trim().length
    const all = (block.textContent || '').replace(/\s+/g, ' ').trim().length
    return all - own >= 3
  }
  // User-agent exception: a native control drawn by the browser at its own size.
  const userAgentSized = el => el.tagName === 'INPUT' &&
    ['checkbox', 'radio', 'date', 'color', 'file'].includes(el.type) && getComputedStyle(el).appearance !== 'none'
  // A control hidden behind its label (NHS.UK radios and checkboxes) is measured by its label.
  const targets = [...document.querySelectorAll(sel)].filter(shown)
    .filter(el => !(el.tagName === 'INPUT' && getComputedStyle(el).opacity === '0' && el.labels && el.labels.length))
  const small = targets.filter(el => {
    const r = rectOf(el)
    return (r.width < minimum - 0.5 || r.height < minimum - 0.5) && !inSentence(el) && !userAgentSized(el)
  })
  // Spacing exception: a 24 px circle centred on the small target meets no other target, nor
  // another small target's circle.
  const distance = (x, y, r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom))
  const related = (a, b) => a.contains(b) || b.contains(a) || a.control === b || b.control === a
  const failing = small.filter(el => {
    const r = rectOf(el), cx = r.left + r.width / 2, cy = r.top + r.height / 2
    return targets.some(other => {
      if (other === el || related(el, other)) return false
      const o = rectOf(other)
      if (small.includes(other)) return Math.hypot(cx - (o.left + o.width / 2), cy - (o.top + o.height / 2)) < minimum
      return distance(cx, cy, o) < minimum / 2
    })
  })
  return failing.map(el => {
    const r = rectOf(el)
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.getAttribute('title') || '').trim().replace(/\s+/g, ' ').slice(0, 40)
    const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : ''
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} "${text}" ${Math.round(r.width)}x${Math.round(r.height)}`
  })
}"""


def small_targets(page, minimum: int = MIN_TARGET) -> list[str]:
    """Pointer targets smaller than minimum x minimum CSS px that no WCAG 2.5.8 exception covers."""
    return page.evaluate(_TARGETS, minimum)


# --------------------------------------------------------------------------------------------
# Screenshots

SCREENSHOTS = REPO / "screenshots"


def screenshot(page, name: str, full_page: bool = False) -> Path:
    """Save a PNG into screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
