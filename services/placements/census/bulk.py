"""Bulk writes for census imports: random row ids made in bulk, and rows inserted as fast as the driver takes them."""

import os
import uuid
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))  # the variant and version bits uuid.uuid4 sets
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def random_ids() -> Iterator[uuid.UUID]:
    """Random UUIDs as uuid.uuid4 makes them (16 random bytes, version 4), one read per thousand."""
    while True:
        raw = os.urandom(16 * 1024)
        for at in range(0, len(raw), 16):
            yield uuid.UUID(int=int.from_bytes(raw[at : at + 16], "big") & _UUID4_CLEAR | _UUID4_SET)


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows (all with the same keys) as one executemany of a Core insert would, only faster.

    SQLAlchemy's executemany builds and processes a parameter dictionary per row, and on PostgreSQL
    runs an INSERT per row. Here each column's own bind processing is applied once per value and the
    rows go to the driver as they are: to SQLite as one executemany, to PostgreSQL (psycopg) as one
    COPY; a database error still comes out as SQLAlchemy's exception. Another driver, or a column
    left to its Python-side default, takes the Core insert.
    """
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    fast = (dialect.name, dialect.driver, dialect.paramstyle) in (
        ("sqlite", "pysqlite", "qmark"),
        ("postgresql", "psycopg", "pyformat"),
    )
    if not fast or any(column.default is not None for column in table.c if column.key not in rows[0]):
        session.execute(insert(table), rows)
        return
    columns = [table.c[name] for name in names]
    processors = [
        (at, process)
        for at, column in enumerate(columns)
        if (process := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]

    in_order = itemgetter(*names)

    def bound(row: dict[str, Any]) -> list[Any]:
        values = list(in_order(row))
        for at, process in processors:
            values[at] = process(values[at])
        return values

    quote = dialect.identifier_preparer
    target = f"{quote.format_table(table)} ({', '.join(quote.format_column(c) for c in columns)})"
    # Only quoted table and column names go into the SQL; the values are parameters.
    if dialect.name == "sqlite":
        sql = f"INSERT INTO {target} VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
        connection.exec_driver_sql(sql, [tuple(bound(row)) for row in rows])
        return
    sql = f"COPY {target} FROM STDIN"
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(bound(row))
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc
    finally:
        cursor.close()
