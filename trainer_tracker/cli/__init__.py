"""The `cascade` command line. Each command group lives in its own module and stays thin."""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cascade")
def cascade() -> None:
    """Carer peer support training: curriculum, site, tracker, reports and exports."""


def _register() -> None:
    from . import curriculum, site

    cascade.add_command(curriculum.curriculum)
    cascade.add_command(site.site)


_register()


def main() -> None:
    cascade(prog_name="cascade")
