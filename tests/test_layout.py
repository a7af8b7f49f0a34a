"""The shape of the code: modules of one idea and a readable size, functions that fit on a screen,
no import cycles, and a content side (cascade/) that needs neither Flask nor peewee.

Tracker-side violations that exist today are listed in the ALLOWED_* dicts, each with its reason,
so they can be worked off one by one; the content side has none.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("cascade", "trainer_tracker")
MAX_MODULE_LINES = 520
MAX_FUNCTION_LINES = 80
TRACKER_ONLY = ("flask", "flask_login", "flask_wtf", "wtforms", "peewee", "playhouse", "trainer_tracker")
# Owned by the tracker side (cascade/devdata is the demo and synthetic data the tracker loads).
TRACKER_SIDE = ("trainer_tracker", "cascade/devdata")

# module path -> why it may be longer than MAX_MODULE_LINES for now
ALLOWED_LONG_MODULES: dict[str, str] = {}
# "path:function" -> why it may be longer than MAX_FUNCTION_LINES for now
ALLOWED_LONG_FUNCTIONS: dict[str, str] = {}


def _sources() -> list[Path]:
    files = []
    for package in PACKAGES:
        files += [p for p in sorted((REPO / package).rglob("*.py")) if "migrations" not in p.parts]
    return files


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _tracker_side(rel: str) -> bool:
    return rel.startswith(TRACKER_SIDE)


def _module_name(path: Path) -> tuple[str, bool]:
    """(dotted module name, is a package __init__)."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def test_no_module_is_too_long():
    too_long = {}
    for path in _sources():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            too_long[_rel(path)] = lines
    unexpected = {rel: n for rel, n in too_long.items() if rel not in ALLOWED_LONG_MODULES}
    assert not unexpected, (f"modules over {MAX_MODULE_LINES} lines (split them by idea): "
                            + ", ".join(f"{rel} ({n})" for rel, n in sorted(unexpected.items())))
    assert not [rel for rel in ALLOWED_LONG_MODULES if not _tracker_side(rel)], "the content side has no exceptions"
    stale = sorted(set(ALLOWED_LONG_MODULES) - set(too_long))
    assert not stale, f"no longer too long, remove from ALLOWED_LONG_MODULES: {stale}"


def _long_functions() -> dict[str, str]:
    """"path:function" -> "path:line (n lines)" for every function over the limit."""
    found = {}
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found[f"{_rel(path)}:{node.name}"] = f"{_rel(path)}:{node.lineno} {node.name} ({length} lines)"
    return found


def test_no_function_is_too_long():
    found = _long_functions()
    unexpected = [where for key, where in sorted(found.items()) if key not in ALLOWED_LONG_FUNCTIONS]
    assert not unexpected, f"functions over {MAX_FUNCTION_LINES} lines: " + "; ".join(unexpected)
    assert not [key for key in ALLOWED_LONG_FUNCTIONS if not _tracker_side(key)], "the content side has no exceptions"
    stale = sorted(set(ALLOWED_LONG_FUNCTIONS) - set(found))
    assert not stale, f"no longer too long, remove from ALLOWED_LONG_FUNCTIONS: {stale}"


def _import_graph() -> dict[str, set[str]]:
    """Module -> the modules of PACKAGES it imports (every import statement, wherever it is:
    in functions and under TYPE_CHECKING too). Importing a.b.c also runs the __init__ of a.b
    and a, so those count, except the packages the importing module is itself inside."""
    modules = {}
    for path in _sources():
        name, is_package = _module_name(path)
        modules[name] = (path, is_package)

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    def targets(importer: str, is_package: bool, node) -> set[str]:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            if node.level:
                base = importer.split(".") if is_package else importer.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        found = set()
        for name in names:
            target = known(name)
            while target:
                if target != importer and not importer.startswith(target + "."):
                    found.add(target)
                target = target.rpartition(".")[0]
                target = known(target) if target else None
        return found

    graph = {}
    for name, (path, is_package) in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges |= targets(name, is_package, node)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iteratively)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return result


def _path_between(graph, start: str, members: set[str]) -> list[str]:
    """One cycle through `start` inside a component, to show in the message."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & members):
            if child == start:
                return paths[node] + [start]
            if child not in paths:
                paths[child] = paths[node] + [child]
                queue.append(child)
    return [start]


def test_no_import_cycles():
    graph = _import_graph()
    cycles = _cycles(graph)
    shown = [" -> ".join(_path_between(graph, component[0], set(component))) for component in cycles]
    assert not cycles, "import cycles:\n" + "\n".join(shown)


def test_the_import_graph_sees_cycles():
    """The checker itself: a cycle through a function-level import and a package __init__ is found."""
    graph = {"a": {"a.b"}, "a.b": {"c"}, "c": {"a"}, "d": {"c"}}
    assert _cycles(graph) == [["a", "a.b", "c"]]


def test_the_content_side_names_no_tracker_module():
    """No import statement in cascade/ (outside cascade/devdata) names Flask, peewee or the tracker."""
    offenders = []
    for path in sorted((REPO / "cascade").rglob("*.py")):
        if _tracker_side(_rel(path)):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            offenders += [f"{_rel(path)}:{node.lineno} imports {n}" for n in names if n.split(".")[0] in TRACKER_ONLY]
    assert not offenders, "\n".join(offenders)


BLOCKED_IMPORT_CHECK = """
import importlib, importlib.metadata, pkgutil, sys

BLOCKED = set(sys.argv[1].split(","))


class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not installed (blocked: the content side must not need it)")
        return None


sys.meta_path.insert(0, Blocked())
# The tracker's command groups reach `cascade` through entry points; leave them out.
real_entry_points = importlib.metadata.entry_points
importlib.metadata.entry_points = lambda **kw: [] if kw.get("group") == "cascade.commands" else real_entry_points(**kw)

import cascade

failed = []
names = ["cascade"] + [m.name for m in pkgutil.walk_packages(cascade.__path__, "cascade.")]
for name in names:
    if name.startswith("cascade.devdata"):
        continue
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
print(len(names))
if failed or loaded:
    print("\\n".join(failed + [f"loaded {m}" for m in loaded]))
    sys.exit(1)
"""


def test_the_content_side_imports_without_flask_or_peewee():
    """Every module of cascade/ (but cascade/devdata) imports with Flask, peewee and the tracker
    made unimportable, in a fresh interpreter."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(BLOCKED_IMPORT_CHECK), ",".join(TRACKER_ONLY)],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert int(result.stdout.split()[0]) > 40, "the check must import the content side's modules"
