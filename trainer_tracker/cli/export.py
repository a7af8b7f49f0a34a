"""`cascade export NAME --out FILE [--deidentified]`: CSV plus codebook, audited."""

from __future__ import annotations

from pathlib import Path

import click


def _exports() -> dict:
    from ..exports.cascade import EXPORTS

    found = dict(EXPORTS)
    try:  # exports added by later domains register themselves here
        from ..exports.registry import EXTRA_EXPORTS

        found.update(EXTRA_EXPORTS)
    except ImportError:
        pass
    return found


@click.command("export")
@click.argument("name")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--deidentified", is_flag=True, help="Hashed ids, shifted dates, no names or free text.")
@click.option("--site", "site_code", default=None, help="Only this site's records (every export).")
def export(name: str, out: Path, deidentified: bool, site_code: str | None) -> None:
    """Write export NAME as CSV to OUT, with OUT's codebook beside it."""
    import os

    from ..db import database
    from ..exports.core import write
    from .common import app_for_command

    exports = _exports()
    if name not in exports:
        raise click.BadParameter(f"unknown export {name!r}; choose from {', '.join(sorted(exports))}",
                                 param_hint="NAME")
    if deidentified and not (os.environ.get("CASCADE_EXPORT_KEY") or os.environ.get("CASCADE_SECRET_KEY")):
        raise click.ClickException("Set CASCADE_EXPORT_KEY to de-identify: the same key gives the same hashes.")
    app = app_for_command()
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            from ..cascade.models import Site
            from ..exports.scope import scope_for

            site = None
            if site_code:
                site = Site.get_or_none(Site.code == site_code.upper())
                if site is None:
                    raise click.BadParameter(f"no site with code {site_code!r}", param_hint="--site")
            scope = scope_for(site.id if site else None, site.code if site else None, deidentified=deidentified)
            result = write(exports[name](scope), out, deidentified=deidentified)
        finally:
            database.close()
    click.echo(f"{result['rows']} rows -> {result['file']} (codebook {result['codebook']})")
