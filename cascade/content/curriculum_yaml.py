"""The YAML files of curriculum/: curriculum.yml (the modules in teaching order), glossary.yml and
the structured data under data/."""

from __future__ import annotations

from pathlib import Path

from .fields import Fields, read_yaml
from .model import GlossaryTerm, Module
from .problems import ProblemList

GLOSSARY_FIELDS = ("term", "expansion", "definition")


def load_settings(base: Path, problems: ProblemList) -> dict:
    path = base / "curriculum.yml"
    if not path.exists():
        problems.error(path, 0, "curriculum.yml is missing: it lists the modules in teaching order")
        return {"_lines": {}}
    read = read_yaml(path, problems)
    if read is None:
        return {"_lines": {}}
    data, f = read
    if not isinstance(data, dict):
        problems.error(path, 1, "curriculum.yml must be a set of 'field: value' lines")
        return {"_lines": {}}
    data["_lines"] = f.lines
    return data


def order_modules(modules: list[Module], settings: dict, base: Path, problems) -> list[Module]:
    order = settings.get("modules")
    f = Fields(base / "curriculum.yml", settings.get("_lines", {}), problems)
    if order is None:
        return modules
    if not isinstance(order, list) or not all(isinstance(x, str) for x in order):
        f.error(("modules",), "'modules' must be a list of module ids")
        return modules
    ids = {m.id for m in modules}
    seen: set[str] = set()
    for index, module_id in enumerate(order):
        if module_id in seen:
            f.error(("modules", index), f"module '{module_id}' is listed twice in 'modules'")
        elif module_id not in ids:
            f.error(("modules", index), f"'modules' lists '{module_id}' but no module has that id")
        seen.add(module_id)
    for module in modules:
        if module.id and module.id not in seen:
            problems.error(
                module.path,
                module.doc.line_of("id"),
                f"module '{module.id}' is not listed in curriculum/curriculum.yml 'modules'",
            )
    rank = {module_id: i for i, module_id in enumerate(order)}
    return sorted(modules, key=lambda m: (rank.get(m.id, len(rank)), m.rel))


def load_glossary(path: Path, problems: ProblemList) -> list[GlossaryTerm]:
    if not path.exists():
        return []
    read = read_yaml(path, problems)
    if read is None:
        return []
    data, f = read
    terms = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(terms, list):
        problems.error(path, 1, "glossary.yml needs 'terms:', a list of term, expansion, definition")
        return []
    result, seen = [], set()
    for index, item in enumerate(terms):
        keys = ("terms", index)
        if not isinstance(item, dict):
            f.error(keys, "each glossary term needs term, expansion and definition")
            continue
        f.unknown(item, GLOSSARY_FIELDS, keys)
        f.required(item, GLOSSARY_FIELDS, keys)
        term, expansion, definition = (f.text(item, name, keys) for name in GLOSSARY_FIELDS)
        if term is None or expansion is None or definition is None:
            continue
        if term in seen:
            f.error(keys, f"glossary term '{term}' is defined twice")
        seen.add(term)
        result.append(GlossaryTerm(term, expansion, definition, f.line(*keys)))
    return result


def load_data(folder: Path, problems: ProblemList) -> dict:
    """Structured content (tables that change over time, such as which parts of a law apply)."""
    result = {}
    if not folder.is_dir():
        return result
    for path in sorted(folder.glob("*.yml")):
        read = read_yaml(path, problems)
        if read is not None:
            result[path.stem] = {"data": read[0], "lines": read[1].lines, "path": path}
    return result
