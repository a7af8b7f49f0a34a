"""Fill in a tracker form the way a person would: from the page's own HTML.

`fill(html)` reads the first form with method=post whose action matches, keeps what the page
already chose (values, checked boxes, selected options) and, where nothing is chosen, takes the
first real option of each radio group and select. Tests then override what matters.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": (a.get("method") or "get").lower(), "fields": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input" and a.get("name"):
            self._form["fields"].append({"kind": (a.get("type") or "text").lower(), "name": a["name"],
                                         "value": a.get("value", ""), "checked": "checked" in a})
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"].append({"kind": "select", "name": a["name"], "options": [], "multiple": "multiple" in a})
        elif tag == "option" and self._select is not None:
            field = self._form["fields"][-1]
            field["options"].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"].append({"kind": "textarea", "name": a["name"], "value": ""})

    def handle_data(self, data):
        if self._textarea is not None and self._form is not None:
            self._form["fields"][-1]["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["method"] == "post"]


def fill(html: str, overrides: dict | None = None, *, action: str | None = None) -> dict:
    """The data a person would send with the page's main form (the one with the most fields, or the
    one posting to `action`), with `overrides` applied (a list value sends several values)."""
    forms = post_forms(html)
    if action is not None:
        forms = [f for f in forms if f["action"].split("?")[0] == action.split("?")[0]]
    assert forms, "the page has no form that posts there"
    form = max(forms, key=lambda f: len(f["fields"]))
    data: dict[str, list[str]] = {}
    for field in form["fields"]:
        kind, name = field["kind"], field["name"]
        if kind in ("submit", "button"):
            continue
        if kind == "radio":
            group = data.setdefault(name, [])
            if field["checked"]:
                group[:] = [field["value"]]
            elif not group:
                group.append(field["value"])  # first option unless another is checked
            continue
        if kind == "checkbox":
            if field["checked"]:
                data.setdefault(name, []).append(field["value"])
            continue
        if kind == "select":
            chosen = [v for v, selected in field["options"] if selected]
            if not chosen or (chosen == [""] and not any(selected for _, selected in field["options"])):
                chosen = [next((v for v, _ in field["options"] if v != ""), "")]
            data[name] = chosen[:1]
            continue
        data[name] = [field["value"]]
    for name, value in (overrides or {}).items():
        data[name] = value if isinstance(value, list) else [str(value)]
    return {name: values if len(values) != 1 else values[0] for name, values in data.items()}
