"""The `cascade` command line. Each command group lives in its own module and stays thin."""

from __future__ import annotations

import click

from .. import __version__


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

    from . import export, report, tracker

    cascade.add_command(tracker.tracker)
    cascade.add_command(export.export)
    cascade.add_command(report.report)


_register()


def main() -> None:
    cascade(prog_name="cascade")
