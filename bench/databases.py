"""A fresh, empty database for one benchmark run, shared by roster_import.py and performance_year.py."""

from collections.abc import Callable
from pathlib import Path


def fresh_database(url: str, tmp: Path, tag: str) -> tuple[str, str, Callable[[], None]]:
    """The new database's URL, its kind ("PostgreSQL" or "SQLite"), and how to drop it afterwards.

    With a PostgreSQL `url`, `terang_bench_<tag>` is created anew on the same server; otherwise a
    SQLite file `<tag>.sqlite3` in `tmp` (which goes with the folder).
    """
    if url.startswith("postgres"):
        import psycopg

        server = url.rsplit("/", 1)[0]
        admin_url = server + "/postgres"
        name = f"terang_bench_{tag}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

        return f"{server}/{name}", "PostgreSQL", drop
    return f"sqlite:///{tmp / f'{tag}.sqlite3'}", "SQLite", lambda: None
