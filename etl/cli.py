"""The command line: a thin click layer over the library, which turns its errors into clean exits."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import click

from etl.errors import BuildError

DEFAULT_DB = Path("build/havana-1962.db")
# The built database a command reads (every command but build and read).
database_option = click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=DEFAULT_DB,
    show_default=True,
)


def root_option(where: str):
    """The folder a command writes the repository's files in (the current one by default)."""
    return click.option(
        "--root",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("."),
        show_default=True,
        help=f"Where {where}.",
    )


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


class CleanErrors(click.Group):
    """Every command ends a failure with one line naming what went wrong, never a traceback: bad input and
    broken invariants (with their file, line and expectation), a database that is not one, a missing file."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BuildError as error:
            raise click.ClickException(str(error)) from error
        except sqlite3.DatabaseError as error:
            raise click.ClickException(f"the database could not be read: {error}") from error
        except FileNotFoundError as error:
            raise click.ClickException(f"{error.filename}: no such file") from error
        except OSError as error:  # a full disk, a folder that may not be written
            raise click.ClickException(
                f"{error.filename or 'a file'}: could not be written or read: {error.strerror or error}"
            ) from error


@click.group(cls=CleanErrors)
def main() -> None:
    """Build, package, serve and release the havana-1962 dataset."""


@main.command()
@click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("seeds"),
    show_default=True,
    help="Folder of seed records with their SHA256SUMS.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_DB,
    show_default=True,
    help="Where to write the SQLite database.",
)
@click.option("--strict", is_flag=True, help="Fail on any warning: unknown speakers, unaccounted text.")
def build(seeds_dir: Path, out_path: Path, strict: bool) -> None:
    """Build the SQLite database from the seed records (atomically: the old file stays until the new one is
    complete)."""
    from etl.build import build_database

    # SIGTERM (a stopped job, a closed terminal) ends the build as Ctrl-C does: its partial file is removed.
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    build_database(seeds_dir, out_path, strict=strict, log=click.echo)


@main.command()
@click.argument("record", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def read(record: Path) -> None:
    """Show how one record file is read (frame, people, turns, notes, coverage, warnings) before it is added."""
    from etl.build import read_one_record
    from etl.report import render_reading

    seed = read_one_record(record)
    click.echo(render_reading(seed, record.read_text(encoding="utf-8")), nl=False)


@main.command()
@database_option
@root_option("datapackage.json, data/, metadata.yml and CITATION.cff are written")
def data(db_path: Path, root: Path) -> None:
    """Write data/*.csv, datapackage.json, metadata.yml and CITATION.cff from the built database."""
    from etl.publish.package import write_data_package
    from etl.publish.site import write_metadata

    write_data_package(db_path, root, log=click.echo)
    write_metadata(root / "metadata.yml")
    click.echo(f"wrote {root / 'metadata.yml'}")


@main.command()
@database_option
@click.option("--port", type=int, default=8001, show_default=True)
def serve(db_path: Path, port: int) -> None:
    """Serve the database with Datasette on 127.0.0.1, with the repository's settings."""
    from etl.publish.serve import serve_database

    serve_database(db_path, port=port)


@main.command()
@database_option
@click.option(
    "--engine",
    type=click.Choice(["package", "cloudrun"]),
    default="package",
    show_default=True,
    help="datasette package (a container image, needs Docker) or datasette publish cloudrun (needs gcloud).",
)
@click.option("--print-only", is_flag=True, help="Print the command instead of running it.")
def publish(db_path: Path, engine: str, print_only: bool) -> None:
    """Publish the release with Datasette's own publisher, configured as `make serve` is."""
    from etl.publish.deploy import publish as publish_release
    from etl.publish.deploy import publish_command
    from etl.publish.serve import datasette_executable

    click.echo(publish_command(db_path, engine))
    if not print_only:
        status = publish_release(db_path, engine, datasette_executable())
        if status:
            raise click.ClickException(f"datasette {engine} failed (exit status {status})")


@main.command()
@database_option
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("dist"), show_default=True
)
def release(db_path: Path, out_dir: Path) -> None:
    """Write dist/havana-1962-<version>.zip, with the static edition in it: byte-identical for the same inputs."""
    from etl.publish.release import write_release
    from etl.publish.static import render_site

    site, _ = render_site(db_path, log=click.echo)
    path = write_release(db_path, out_dir, site=site)
    click.echo(f"wrote {path}")


@main.command()
@database_option
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("build/site"), show_default=True
)
def site(db_path: Path, out_dir: Path) -> None:
    """Write the static edition (build/site/): every page a citation names, the downloads and a search index."""
    from etl.publish.static import write_site

    write_site(db_path, out_dir, log=click.echo)


@main.command()
@root_option("README.md and docs/data-dictionary.md are")
def dictionary(root: Path) -> None:
    """Write the data dictionary from the schema: docs/data-dictionary.md, and the README's table of tables."""
    from etl.publish.docs import write_data_dictionary

    for path in write_data_dictionary(root):
        click.echo(f"wrote {path}")
