"""Site build throughput for a scaled curriculum, beside a bare Python-Markdown conversion of the
same pages (the floor), and the rebuild time after one module changes.

The scaled curriculum is a throwaway copy of the content (as tests/conftest.py content_copy makes)
where the starter modules are copied under new ids (<id>-copy-<n>) until there are `modules`
module pages, each listed in curriculum.yml.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import yaml

from .common import REPO, log

CONTENT_DIRS = ("curriculum", "translations", "assessments", "site")
CONTENT_FILES = ("mkdocs.yml", "mkdocs-trainer.yml")


def scaled_content(target: Path, modules: int) -> Path:
    root = target / "repo"
    root.mkdir(parents=True)
    for name in CONTENT_DIRS:
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in CONTENT_FILES:
        shutil.copy2(REPO / name, root / name)
    listing_path = root / "curriculum" / "curriculum.yml"
    text = listing_path.read_text(encoding="utf-8")
    settings = yaml.safe_load(text)
    starters = list(settings["modules"])
    added: list[str] = []
    copy = 0
    while len(starters) + len(added) < modules:
        copy += 1
        for module_id in starters:
            if len(starters) + len(added) >= modules:
                break
            new_id = f"{module_id}-copy-{copy}"
            source = root / "curriculum" / "modules" / module_id
            shutil.copytree(source, root / "curriculum" / "modules" / new_id)
            index = root / "curriculum" / "modules" / new_id / "index.md"
            body = index.read_text(encoding="utf-8")
            body = re.sub(r"^id: .*$", f"id: {new_id}", body, count=1, flags=re.M)
            body = re.sub(r"^title: (.*)$", lambda m, n=copy: f"title: {m.group(1)} (copy {n})", body, count=1,
                          flags=re.M)
            index.write_text(body, encoding="utf-8")
            added.append(new_id)
    if added:
        text = text.rstrip("\n") + "\n" + "".join(f"  - {module_id}\n" for module_id in added)
        listing_path.write_text(text, encoding="utf-8")
    return root


def _markdown_extensions(root: Path) -> tuple[list, dict]:
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - our file
    names, options = [], {}
    for entry in config.get("markdown_extensions", []):
        if isinstance(entry, dict):
            (name, opts), = entry.items()
            names.append(name)
            options[name] = opts or {}
        else:
            names.append(entry)
    return names, options


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!ENV", lambda loader, node: None)


def markdown_floor(root: Path, edition: str) -> dict:
    """Python-Markdown alone, with the site's extensions, over the same module and page files."""
    import markdown

    from trainer_tracker.content import load_curriculum

    curriculum = load_curriculum(root / "curriculum")
    names, options = _markdown_extensions(root)
    if "abbr" in names and curriculum.glossary:  # as the site's hooks configure it
        options["abbr"] = {**options.get("abbr", {}), "glossary": {t.term: t.expansion for t in curriculum.glossary}}
    sources = [module.render_markdown(edition) for module in curriculum.modules_for(edition)]
    sources += [page.render_markdown(edition) for page in curriculum.pages if page.in_edition(edition)]
    started, cpu = time.perf_counter(), time.process_time()
    for text in sources:
        markdown.Markdown(extensions=names, extension_configs=options).convert(text)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return {"pages": len(sources), "seconds": seconds, "cpu_seconds": cpu_seconds}


def _html_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def run(tmp: Path, modules: int = 200) -> dict:
    from trainer_tracker.publishing.build import build_edition

    root = scaled_content(tmp, modules)
    results = {"modules": modules}
    from trainer_tracker.publishing import state

    for edition in ("supporter", "trainer"):
        out = tmp / "out" / edition
        state._loaded.clear()  # each edition from cold: the curriculum loaded and checked in the timing
        started, cpu = time.perf_counter(), time.process_time()
        build_edition(edition, root, site_dir=out)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        pages = _html_pages(out)
        floor = markdown_floor(root, edition)
        # One module changed: a sentence added to one module, then the edition is built again.
        changed = root / "curriculum" / "modules" / "listening-and-support" / "index.md"
        original = changed.read_text(encoding="utf-8")
        changed.write_text(original + "\nOne more sentence for the rebuild benchmark.\n", encoding="utf-8")
        started, cpu = time.perf_counter(), time.process_time()
        build_edition(edition, root, site_dir=out)
        rebuild, rebuild_cpu = time.perf_counter() - started, time.process_time() - cpu
        changed.write_text(original, encoding="utf-8")
        # CPU seconds (this process) as well as wall-clock: a build is one busy process, so its CPU
        # time is what it costs, whatever else the machine is running.
        floor_rate = floor["pages"] / floor["cpu_seconds"] if floor["cpu_seconds"] else None
        results[edition] = {
            "pages": pages, "seconds": seconds, "cpu_seconds": cpu_seconds, "pages_per_s": pages / seconds,
            "pages_per_cpu_s": pages / cpu_seconds,
            "markdown_pages": floor["pages"], "markdown_seconds": floor["seconds"],
            "markdown_cpu_seconds": floor["cpu_seconds"], "markdown_pages_per_cpu_s": floor_rate,
            "ratio_to_markdown": (cpu_seconds / pages) / (floor["cpu_seconds"] / floor["pages"])
            if floor["cpu_seconds"] else None,
            "rebuild_one_module_seconds": rebuild, "rebuild_one_module_cpu_seconds": rebuild_cpu,
        }
        log(f"  site {edition}: {pages} pages in {seconds:.1f}s ({cpu_seconds:.1f} CPU s) = "
            f"{pages / cpu_seconds:.1f} pages per CPU second; Python-Markdown alone {floor_rate:.0f} "
            f"(x{results[edition]['ratio_to_markdown']:.1f}); one module changed: {rebuild:.1f}s ({rebuild_cpu:.1f} CPU s)")
    return results
