"""Site build throughput for a scaled curriculum, beside a bare Python-Markdown conversion of the
same pages (the floor: the Markdown of each page exactly as the build handed it to Python-Markdown,
recorded during the timed build), and the rebuild time after one module changes. The measured
build is `cascade site build --edition supporter` (or trainer): no offline zip, no PDFs.

The scaled curriculum is a throwaway copy of the content (as tests/conftest.py content_copy makes)
where the starter modules are copied under new ids (<id>-copy-<n>) until there are `modules`
module pages, each listed in curriculum.yml.
"""

from __future__ import annotations

import re
import shutil
import time
from contextlib import contextmanager
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
    from cascade.site.build import mkdocs_config

    config = mkdocs_config(root / "mkdocs.yml")
    names, options = [], {}
    for entry in config.get("markdown_extensions", []):
        if isinstance(entry, dict):
            (name, opts), = entry.items()
            names.append(name)
            options[name] = opts or {}
        else:
            names.append(entry)
    return names, options


def markdown_floor(root: Path, edition: str, published: list[str] | None = None) -> dict:
    """Python-Markdown alone, with the site's extensions (and the glossary as the abbr extension's
    glossary, as the site's hooks configure it), one Markdown instance per page as MkDocs makes.

    `published`: the Markdown of every page exactly as the build handed it to Python-Markdown
    (recorded during the timed build: after the hooks and macros, so with the generated pages -
    the German source pages, the glossary, the changes, the all-trainer-notes and all-checklists
    pages - and each module page's card, references, changes and checklist). Without it, only the
    module and page files of curriculum/ with trainer-only blocks removed (the earlier
    floor, which leaves out much of the Markdown the site converts: see `run`).
    """
    import markdown

    from cascade.content import load_curriculum
    from cascade.content.editions import render_markdown

    curriculum = load_curriculum(root / "curriculum")
    names, options = _markdown_extensions(root)
    if "abbr" in names and curriculum.glossary:  # as the site's hooks configure it
        options["abbr"] = {**options.get("abbr", {}), "glossary": {t.term: t.expansion for t in curriculum.glossary}}
    if published is not None:
        sources = list(published)
    else:
        sources = [render_markdown(module, edition) for module in curriculum.modules_for(edition)]
        sources += [render_markdown(page, edition) for page in curriculum.pages if page.in_edition(edition)]
    started, cpu = time.perf_counter(), time.process_time()
    for text in sources:
        markdown.Markdown(extensions=names, extension_configs=options).convert(text)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return {"pages": len(sources), "seconds": seconds, "cpu_seconds": cpu_seconds,
            "characters": sum(len(text) for text in sources)}


@contextmanager
def _recording_markdown(into: list[str]):
    """Record the Markdown of each page as MkDocs converts it (one list append per page)."""
    from mkdocs.structure.pages import Page

    original = Page.render

    def render(self, config, files):
        into.append(self.markdown)
        return original(self, config, files)

    Page.render = render
    try:
        yield into
    finally:
        Page.render = original


def _html_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def run(tmp: Path, modules: int = 200) -> dict:
    from cascade.site.build import build_edition

    root = scaled_content(tmp, modules)
    results = {"modules": modules}
    from cascade.site import state

    for edition in ("supporter", "trainer"):
        out = tmp / "out" / edition
        state._loaded.clear()  # each edition from cold: the curriculum loaded and checked in the timing
        published: list[str] = []
        with _recording_markdown(published):
            started, cpu = time.perf_counter(), time.process_time()
            build_edition(edition, root, site_dir=out)
            seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        pages = _html_pages(out)
        # The floor: the same Markdown the build converted, page for page. The earlier floor
        # converted only curriculum/'s module and page files: it left out the pages the site
        # generates (in the trainer edition a German source page per adapted module, each as long
        # as its module, and pages gathering every trainer note and every checklist) and what the
        # macros add to each module page, yet was compared per page with a build that converts
        # all of it. It is still measured and shown ("sources only"), not used for the target.
        floor = markdown_floor(root, edition, published)
        sources_floor = markdown_floor(root, edition)
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
        sources_rate = sources_floor["pages"] / sources_floor["cpu_seconds"] if sources_floor["cpu_seconds"] else None
        results[edition] = {
            "pages": pages, "seconds": seconds, "cpu_seconds": cpu_seconds, "pages_per_s": pages / seconds,
            "pages_per_cpu_s": pages / cpu_seconds,
            "markdown_pages": floor["pages"], "markdown_characters": floor["characters"],
            "markdown_seconds": floor["seconds"],
            "markdown_cpu_seconds": floor["cpu_seconds"], "markdown_pages_per_cpu_s": floor_rate,
            "ratio_to_markdown": (cpu_seconds / pages) / (floor["cpu_seconds"] / floor["pages"])
            if floor["cpu_seconds"] else None,
            "markdown_sources_only_pages": sources_floor["pages"],
            "markdown_sources_only_characters": sources_floor["characters"],
            "markdown_sources_only_cpu_seconds": sources_floor["cpu_seconds"],
            "markdown_sources_only_pages_per_cpu_s": sources_rate,
            "ratio_to_markdown_sources_only": (cpu_seconds / pages) / (sources_floor["cpu_seconds"] / sources_floor["pages"])
            if sources_floor["cpu_seconds"] else None,
            "rebuild_one_module_seconds": rebuild, "rebuild_one_module_cpu_seconds": rebuild_cpu,
        }
        r = results[edition]
        log(f"  site {edition}: {pages} pages in {seconds:.1f}s ({cpu_seconds:.1f} CPU s) = "
            f"{pages / cpu_seconds:.1f} pages per CPU second; Python-Markdown alone over the same "
            f"{floor['pages']} pages' Markdown {floor_rate:.0f} (x{r['ratio_to_markdown']:.1f}); over the "
            f"{sources_floor['pages']} source files only {sources_rate:.0f} (x{r['ratio_to_markdown_sources_only']:.1f}, "
            f"{sources_floor['characters'] / floor['characters']:.0%} of the Markdown); one module changed: "
            f"{rebuild:.1f}s ({rebuild_cpu:.1f} CPU s)")
    return results


def preview(tmp: Path, edits: int = 5) -> dict:
    """`cascade site serve` at the current curriculum's size: the first (full) build, then one module's
    text changed and saved, `edits` times over different modules, each rebuild timed."""
    import logging
    import statistics

    from cascade.content import load_curriculum
    from cascade.site.build import _quiet_logging
    from cascade.site.preview import Preview

    root = scaled_content(tmp, 0)  # a copy of the content as it is
    _quiet_logging(False)
    logging.getLogger("mkdocs.commands.build").setLevel(logging.ERROR)
    modules = [m.id for m in load_curriculum(root / "curriculum").modules]
    out = {}
    for edition in ("supporter", "trainer"):
        viewer = Preview(edition, root, tmp / f"preview-{edition}")
        first = viewer.build(full=True)["seconds"]
        times = []
        for module_id in modules[:edits]:
            page = root / "curriculum" / "modules" / module_id / "index.md"
            original = page.read_text(encoding="utf-8")
            page.write_text(original + "\nOne more sentence for the preview benchmark.\n", encoding="utf-8")
            done = viewer.build()
            page.write_text(original, encoding="utf-8")
            viewer.build()  # back as it was (also a one-page build), not timed
            if not done["dirty"]:
                raise RuntimeError(f"a text edit to {module_id} rebuilt the whole {edition} edition")
            times.append(done["seconds"])
        out[edition] = {"modules": len(modules), "first_build_seconds": first, "rebuild_seconds": times,
                        "rebuild_median_seconds": statistics.median(times), "rebuild_max_seconds": max(times)}
        log(f"  preview {edition}: first build {first:.1f}s, after a one-module edit median "
            f"{out[edition]['rebuild_median_seconds']:.2f}s, max {out[edition]['rebuild_max_seconds']:.2f}s "
            f"({len(modules)} modules)")
    return out
