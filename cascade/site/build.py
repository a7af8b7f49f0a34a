"""Build the site editions, the offline supporter zip, the per-module trainer PDFs and the guides
for carers as A5 booklets."""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from ..config import content_root

EDITION_CONFIGS = {"supporter": "mkdocs.yml", "trainer": "mkdocs-trainer.yml"}
OFFLINE_ZIP_NAME = "carer-peer-support-training-offline.zip"


class BuildFailed(RuntimeError):
    """The site could not be built; the message says why."""


@dataclass
class BuildResult:
    outputs: dict[str, Path] = field(default_factory=dict)
    pdfs: list[Path] = field(default_factory=list)  # one per module (A4)
    booklets: list[Path] = field(default_factory=list)  # the guides for carers (A5)
    seconds: dict[str, float] = field(default_factory=dict)


def mkdocs_config(config_path: Path | str) -> dict:
    """A MkDocs configuration file as MkDocs reads it, with its own YAML loader (`!ENV` tags,
    `INHERIT`), without loading the theme and plugins: for the settings alone."""
    from mkdocs.utils.yaml import yaml_load

    with open(config_path, "rb") as handle:
        return yaml_load(handle)


def build_dir(root: Path | None = None, out: Path | None = None) -> Path:
    """Where build output goes: `out` if given, else build/ in the checkout (git-ignored)."""
    return Path(out).resolve() if out else (root or content_root()).resolve() / "build"


@contextmanager
def _environ(**values):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items()})
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _quiet_logging(verbose: bool) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_cascade", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s - %(message)s"))
        handler._cascade = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False


def build_edition(edition: str, root: Path | None = None, *, strict: bool = True, offline: bool = False,
                  site_dir: Path | None = None, verbose: bool = False) -> Path:
    """Build one edition with MkDocs (strict by default) and return its folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    root = (root or content_root()).resolve()
    config_file = root / EDITION_CONFIGS[edition]
    overrides: dict = {}
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir)
    if offline:
        # The offline plugin needs plain file URLs (page.html, not page/).
        overrides["use_directory_urls"] = False
    _quiet_logging(verbose)
    with _environ(CASCADE_OFFLINE="true" if offline else "false"):
        try:
            config = load_config(config_file=str(config_file), strict=strict, **overrides)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except (Abort, ConfigurationError, PluginError) as exc:
            raise BuildFailed(f"{edition} edition: {exc}") from exc
    return Path(config["site_dir"])


def package_offline(root: Path | None = None, verbose: bool = False, out: Path | None = None) -> Path:
    """The supporter edition built for file:// use, zipped for a laptop."""
    out = build_dir(root, out)
    folder = build_edition("supporter", root, offline=True, site_dir=out / "site" / "offline", verbose=verbose)
    zip_path = out / OFFLINE_ZIP_NAME
    tmp = zip_path.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, Path("carer-peer-support-training") / path.relative_to(folder))
    tmp.replace(zip_path)  # never leave a half-written zip behind
    return zip_path


_ARTICLE_RE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)


def _print_html(article: str, module, programme_title: str) -> str:
    title = escape(module.title)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} (version {escape(str(module.version))})</title></head><body>"
        f'<p class="pdf-programme">{escape(programme_title)}</p>'
        f'<h1 class="pdf-title">{title}</h1>'
        f'<p class="pdf-version">Version {escape(str(module.version))}, last changed '
        f"{escape(module.last_changed or 'not recorded')}, status {escape(module.status)}</p>"
        f"{article}</body></html>"
    )


def _material_article(site: Path, material) -> str:
    """A material's printed content for the module PDF, starting on a new A4 page."""
    page = site / material.rel.removesuffix(".md") / "index.html"
    if not page.exists():
        raise BuildFailed(f"no built page for material {material.rel} at {page}")
    match = _ARTICLE_RE.search(page.read_text(encoding="utf-8"))
    body = match.group(1) if match else ""
    return f'<section class="pdf-material">{body}</section>'


def _module_jobs(site: Path, curriculum, tmp_dir: Path, stylesheets: tuple[str, ...]) -> list[tuple]:
    """One PDF job per module of the trainer edition (with its materials)."""
    jobs = []
    for module in curriculum.modules_for("trainer"):
        page = site / Path(module.rel).parent / "index.html"
        if not page.exists():
            raise BuildFailed(f"no built page for module {module.id} at {page}; build the trainer edition first")
        match = _ARTICLE_RE.search(page.read_text(encoding="utf-8"))
        if match is None:
            raise BuildFailed(f"{page} has no article to print")
        article = re.sub(r"<h1[^>]*>.*?</h1>", "", match.group(1), count=1, flags=re.S)
        article += "".join(_material_article(site, material) for material in module.materials_for("trainer"))
        target = tmp_dir / f"{module.id}-v{module.version}.pdf"
        jobs.append((_print_html(article, module, curriculum.title), str(page.parent), str(target), stylesheets))
    return jobs


def booklet_name(page) -> str:
    """The PDF of a page with `print: a5`: for-carers/guide.md -> for-carers-guide-a5.pdf."""
    return page.rel.removesuffix(".md").replace("/", "-") + "-a5.pdf"


def _booklet_html(article: str, page, programme_title: str) -> str:
    title = escape(page.title)
    summary = f'<p class="booklet-summary">{escape(page.summary)}</p>' if page.summary else ""
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body>"
            f'<p class="pdf-programme">{escape(programme_title)}</p>'
            f'<h1 class="pdf-title">{title}</h1>{summary}{article}</body></html>')


def _booklet_jobs(site: Path, curriculum, tmp_dir: Path, stylesheets: tuple[str, ...]) -> list[tuple]:
    """One A5 booklet job per page with `print: a5` (the guides for carers), from the built page,
    so the site contacts and out-of-hours routes are those of the programme configuration."""
    jobs = []
    for page in curriculum.pages:
        if page.print_size != "a5":
            continue
        stem = page.rel.removesuffix(".md")
        built = site / (stem.removesuffix("index") if stem.split("/")[-1] == "index" else stem) / "index.html"
        if not built.exists():
            raise BuildFailed(f"no built page for {page.rel} at {built}; build the site first")
        match = _ARTICLE_RE.search(built.read_text(encoding="utf-8"))
        if match is None:
            raise BuildFailed(f"{built} has no article to print")
        article = re.sub(r"<h1[^>]*>.*?</h1>", "", match.group(1), count=1, flags=re.S)
        target = tmp_dir / booklet_name(page)
        jobs.append((_booklet_html(article, page, curriculum.title), str(built.parent), str(target), stylesheets))
    return jobs


def print_pdfs(root: Path | None = None, trainer_site: Path | None = None, out: Path | None = None,
               booklet_site: Path | None = None) -> tuple[list[Path], list[Path]]:
    """The module PDFs (A4) and the guides for carers as A5 booklets, made by WeasyPrint from the
    built pages, into build/pdf/: (module PDFs, booklets).

    Each article is taken from the built page (so macros, blocks and checklists are exactly as
    on the site). A module PDF is laid out for A4 with the title, version and date on the first
    page, from the trainer edition; a booklet from `booklet_site` (the supporter edition, where
    carers read it), else the trainer edition.
    """
    from .state import load_for_build

    root = (root or content_root()).resolve()
    site = trainer_site or build_dir(root, out) / "site" / "trainer"
    curriculum = load_for_build(root / "curriculum")
    pdf_dir = build_dir(root, out) / "pdf"
    tmp_dir = build_dir(root, out) / "pdf.part"
    shutil.rmtree(tmp_dir, ignore_errors=True)
    tmp_dir.mkdir(parents=True)
    sheets = root / "site" / "overrides" / "assets" / "stylesheets"
    modules = _module_jobs(site, curriculum, tmp_dir, (str(sheets / "pdf.css"),))
    booklets = _booklet_jobs(booklet_site or site, curriculum, tmp_dir,
                             (str(sheets / "pdf.css"), str(sheets / "booklet.css")))
    jobs = modules + booklets
    # WeasyPrint is single-threaded: lay pages out in parallel processes, one document each.
    workers = max(1, min(4, os.cpu_count() or 1, len(jobs)))
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_render_pdf, jobs))
    else:
        for job in jobs:
            _render_pdf(job)
    shutil.rmtree(pdf_dir, ignore_errors=True)
    tmp_dir.replace(pdf_dir)
    return [pdf_dir / Path(job[2]).name for job in modules], [pdf_dir / Path(job[2]).name for job in booklets]


def _render_pdf(job: tuple[str, str, str, tuple[str, ...]]) -> None:
    from weasyprint import CSS, HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    html, base_url, target, stylesheets = job
    HTML(string=html, base_url=base_url).write_pdf(target, stylesheets=[CSS(filename=s) for s in stylesheets])


def build_all(editions: list[str], root: Path | None = None, *, package: bool = True,
              verbose: bool = False, out: Path | None = None) -> BuildResult:
    result = BuildResult()
    for edition in editions:
        start = time.perf_counter()
        site_dir = build_dir(root, out) / "site" / edition if out else None
        result.outputs[edition] = build_edition(edition, root, verbose=verbose, site_dir=site_dir)
        result.seconds[edition] = time.perf_counter() - start
    if package:
        start = time.perf_counter()
        result.outputs["offline"] = package_offline(root, verbose=verbose, out=out)
        result.seconds["offline"] = time.perf_counter() - start
        if "trainer" in editions:
            start = time.perf_counter()
            result.pdfs, result.booklets = print_pdfs(root, result.outputs["trainer"], out=out,
                                                      booklet_site=result.outputs.get("supporter"))
            result.seconds["pdf"] = time.perf_counter() - start
    return result
