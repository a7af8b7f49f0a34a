"""MkDocs event handlers for both editions (site/hooks.py re-exports these).

The trainer-only content is removed from the Markdown before MkDocs, the macros or the search
plugin see it, so it cannot reach a supporter page or the supporter search index.
"""

from __future__ import annotations

import posixpath

from jinja2 import BytecodeCache
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from ..authoring.translations import german_changes
from ..content import german
from ..content.checks import GENERATED_PAGES
from ..content.editions import render_markdown
from ..content.model import Material, Module, Page
from .links import link
from .module_page import material_page
from .sources import source_page, source_page_src
from .state import check_errors, edition_of, load_for_build
from .what_changed import INDEX as WHAT_CHANGED_INDEX
from .what_changed import TITLE as WHAT_CHANGED_TITLE
from .what_changed import pages as what_changed_pages

GENERATED_CONTENT = {
    "glossary.md": ("Glossary",
                    "Words and abbreviations used in this training.\n\n{{ glossary() }}"),
    "changes.md": ("What has changed",
                   "Every change to the modules, newest first. Each module page also lists its own "
                   "changes.\n\n{{ all_changes() }}"),
    "tags.md": ("Topics", "Modules by topic.\n\n<!-- material/tags -->"),
    "course-timetable.md": ("Course timetable",
                            "Every module each stage delivers, in course days and sessions, with times, "
                            "breaks and each module's plan.\n\n{{ course_timetable() }}"),
    "trainer-notes.md": ("All trainer notes",
                         "Every trainer note from every module, with a link back to where it sits."
                         "\n\n{{ all_trainer_notes() }}"),
    "fidelity-checklists.md": ("Fidelity checklists",
                               "Blank delivery checklists to print, one per module. Each is the "
                               "module's core components for the version shown.\n\n"
                               "{{ all_fidelity_checklists() }}"),
    "leap-impact.md": ("LEAP recommendations and their impact",
                       "The lived experience advisory panel (LEAP) of carers and people who have "
                       "used services reviews every change to this training. Here is each of its "
                       "recommendations, and the module changes that answer it.\n\n"
                       "{{ leap_impact() }}"),
}
SOURCES_INDEX = "source/index.md"
SOURCES_INDEX_CONTENT = ("German sources and adaptations",
                         "Some modules adapt a module of the German programme; the others were "
                         "written in England. Each page below shows the German text beside the "
                         "English text, with the notes on what was changed for England and why. "
                         "While a German text is marked illustrative, it was written by this project "
                         "to show the format, and is not the German programme's own material."
                         "\n\n{{ sources_index() }}")


def on_config(config):
    edition = edition_of(config)
    curriculum = load_for_build(config["docs_dir"], reload=True)
    errors = check_errors(config["docs_dir"])
    if errors:
        listing = "\n".join(f"  {p}" for p in errors[:50])
        raise PluginError(f"The curriculum has {len(errors)} error(s); run 'cascade curriculum "
                          f"check':\n{listing}")
    config["nav"] = build_nav(curriculum, edition)
    if "abbr" in config["markdown_extensions"] and curriculum.glossary:
        # The glossary's abbreviations go to the abbr extension once, as its glossary, rather than
        # as `*[term]: expansion` lines appended to every page: parsing those 100-odd lines made
        # each page's Markdown about three times slower. The pages get the same <abbr> elements.
        configs = config["mdx_configs"]
        configs["abbr"] = {**configs.get("abbr", {}), "glossary": {t.term: t.expansion for t in curriculum.glossary}}
    return config


def generated_pages(edition: str) -> list[str]:
    return [name for name, where in GENERATED_PAGES.items()
            if name in GENERATED_CONTENT and where in ("both", edition)]


def build_nav(curriculum, edition: str) -> list:
    pages = [p for p in curriculum.pages if p.in_edition(edition)]
    nav: list = []
    home = next((p for p in pages if p.rel == "index.md"), None)
    if home:
        nav.append({"Home": home.rel})
    folders: dict[str, list[Page]] = {}
    top: list[Page] = []
    for page in pages:
        if page.rel == "index.md":
            continue
        if "/" in page.rel:
            folders.setdefault(page.rel.split("/")[0], []).append(page)
        else:
            top.append(page)
    for folder in sorted(folders, key=lambda f: min(p.order for p in folders[f])):
        items = sorted(folders[folder],
                       key=lambda p: (p.rel != f"{folder}/index.md", p.order, p.rel))
        index = next((p for p in items if p.rel == f"{folder}/index.md"), None)
        title = index.title if index else folder.replace("-", " ").capitalize()
        nav.append({title: [p.rel for p in items]})
    supporter_modules = [m.rel for m in curriculum.modules_for(edition) if m.for_supporters]
    if supporter_modules:
        nav.append({"Modules for peer supporters": supporter_modules})
    if edition == "trainer":
        trainer_modules = [m.rel for m in curriculum.modules_for(edition) if m.trainers_only]
        if trainer_modules:
            nav.append({"Modules for trainers": trainer_modules})
        resources: list = [n for n in generated_pages(edition) if GENERATED_PAGES[n] == "trainer"]
        sources = [source_page_src(m) for m in adapted_modules(curriculum)]
        if sources:
            resources.append({SOURCES_INDEX_CONTENT[0]: [SOURCES_INDEX, *sources]})
        nav.append({"Trainer resources": resources})
    about = [p.rel for p in sorted(top, key=lambda p: (p.order, p.rel))]
    about += [n for n in generated_pages(edition) if GENERATED_PAGES[n] == "both"]
    changed = list(what_changed_pages(curriculum, edition))
    about.append({WHAT_CHANGED_TITLE: changed} if len(changed) > 1 else WHAT_CHANGED_INDEX)
    nav.append({"About this training": about})
    return nav


def on_files(files: Files, config) -> Files:
    edition = edition_of(config)
    curriculum = load_for_build(config["docs_dir"])
    # Drop modules, retired modules and pages that are not in this edition, with their folders.
    dropped_dirs = []
    for module in curriculum.modules:
        if not module.in_edition(edition) or module.status == "retired":
            if module.rel.endswith("/index.md"):
                dropped_dirs.append(posixpath.dirname(module.rel) + "/")
            _remove(files, module.rel)
    for page in curriculum.pages:
        if not page.in_edition(edition):
            _remove(files, page.rel)
    for material in curriculum.materials:
        if not material.in_edition(edition):
            _remove(files, material.rel)  # answer keys never reach the supporter edition
    for file in list(files):
        if any(file.src_uri.startswith(d) for d in dropped_dirs):
            files.remove(file)
    for name in generated_pages(edition):
        title, body = GENERATED_CONTENT[name]
        content = f"---\ntitle: {title}\n---\n\n{body}\n"
        files.append(File.generated(config, name, content=content))
    # "What changed" since the last release: an index, and a page per module with a MAJOR change.
    for src, content in what_changed_pages(curriculum, edition).items():
        files.append(File.generated(config, src, content=content))
    if edition == "trainer":
        _add_source_pages(files, config, curriculum)
    return files


def adapted_modules(curriculum) -> list[Module]:
    """Modules in the trainer edition that adapt a German module (they get a source page)."""
    return [m for m in curriculum.modules_for("trainer") if m.source.id]


def _add_source_pages(files: Files, config, curriculum) -> None:
    """Trainer edition only: source/<module-id>.md, the German text beside the English text."""
    modules = adapted_modules(curriculum)
    if not modules:
        return
    root = german.translations_root(curriculum)
    texts = german.load_german(root)
    title, body = SOURCES_INDEX_CONTENT
    index = f"---\ntitle: {title}\n---\n\n{body}\n"
    files.append(File.generated(config, SOURCES_INDEX, content=index))
    for module in modules:
        status = german.adaptation_state(module, texts)
        changes = german_changes(root, status) if status.state == german.STALE else None
        files.append(File.generated(config, source_page_src(module), content=source_page(module, status, changes)))


def _remove(files: Files, src_uri: str) -> None:
    file = files.get_file_from_path(src_uri)
    if file is not None:
        files.remove(file)


def on_page_markdown(markdown: str, page, config, files) -> str:
    edition = edition_of(config)
    curriculum = load_for_build(config["docs_dir"])
    item = curriculum.file_for(page.file.src_uri)
    if isinstance(item, Module):
        body = render_markdown(item, edition)
        parts = ["{{ module_card() }}", body, "{{ module_materials() }}",
                 "{{ module_references() }}", "{{ module_changelog() }}", "{{ suggest_change() }}"]
        if edition == "trainer" and item.source.id:
            target = link(item.rel, source_page_src(item))
            parts.insert(0, f"[Compare with the German source and read the adaptation notes]"
                            f"({target}){{ .cascade-source-link }}")
        if edition == "trainer":
            parts.insert(2, "{{ session_plan() }}")
            parts.append("{{ fidelity_checklist() }}")
        parts.insert(parts.index(body) + 1, "{{ self_check_form() }}")  # the self-check follows the text
        markdown = "\n\n".join(parts)
    elif isinstance(item, Material):
        markdown = material_page(item, edition)
    elif isinstance(item, Page):
        markdown = render_markdown(item, edition)
        if item.print_size == "a5":
            markdown = f'<div class="cascade-booklet" markdown>\n\n{markdown}\n\n</div>'
    return f"{markdown}\n"  # abbreviations: the abbr extension's glossary (on_config)


# Run before the macros plugin (priority 0), so trainer-only blocks never reach it.
on_page_markdown.mkdocs_priority = 100  # type: ignore[attr-defined]


def on_env(env, config, files):
    """Keep compiled theme templates between builds in one process (the preview rebuilds after
    every save: compiling Material's templates again was most of a one-page rebuild)."""
    env.bytecode_cache = TEMPLATE_CACHE
    return env


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled Jinja templates kept in memory, keyed by template name and source checksum."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = _MemoryBytecodeCache()
