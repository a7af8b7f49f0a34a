"""The `cascade` command line: one thin module per command group."""

# The content side's groups (curriculum, site, translations, assessments) are defined here; the
# tracker adds its own (tracker, export, report) through the `cascade.commands` entry points in
# pyproject.toml, so this package never imports the tracker and works without it installed.

from __future__ import annotations

from importlib.metadata import entry_points

import click

from .. import __version__

ENTRY_POINT_GROUP = "cascade.commands"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cascade")
def cascade() -> None:
    """Carer peer support training: curriculum, site, tracker, reports and exports."""


def _register() -> None:
    from . import assessments, curriculum, site
    from . import translations as translations_cli

    cascade.add_command(curriculum.curriculum)
    cascade.add_command(site.site)
    cascade.add_command(translations_cli.translations)
    cascade.add_command(assessments.assessments)
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        cascade.add_command(entry.load(), entry.name)


_register()


def main() -> None:
    cascade(prog_name="cascade")
