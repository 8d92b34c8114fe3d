"""Every analytics answer as a CSV table: one row per item of its table, the answer's own figures beside.

A nested object becomes columns named by its path (`computed_rank`), a list of numbers or codes one cell of
them separated by spaces, a list of objects one column per item and field, keyed by the item's first field
(`service_bands_under_2_headcount`). The cells are written as every CSV of the platform is (csv_cells)."""

import io
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from services.common import csv_cells


def flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """One row's cells from a model or a dict, by column name."""
    found: dict[str, Any] = {}
    items = value.model_dump() if isinstance(value, BaseModel) else value
    for name, cell in items.items():
        column = f"{prefix}{name}"
        if isinstance(cell, dict):
            found.update(flat(cell, f"{column}_"))
        elif isinstance(cell, list) and cell and isinstance(cell[0], dict):
            for item in cell:
                key = next(iter(item.values()))
                found.update(flat({k: v for k, v in list(item.items())[1:]}, f"{column}_{key}_"))
        elif isinstance(cell, list):
            found[column] = " ".join(str(part) for part in cell)
        else:
            found[column] = cell
    return found


def rows_of(report: BaseModel, table: str, *inner: str) -> Iterator[dict[str, Any]]:
    """Each item of the report's list `table` (each item of its `inner` list, when given), with the report's
    scalar fields (and the item's) before its own."""
    context = {name: value for name, value in flat(report).items() if not name.startswith(f"{table}_")}
    context = {name: value for name, value in context.items() if name != table}
    for item in getattr(report, table):
        if not inner:
            yield context | flat(item)
            continue
        outer = {k: v for k, v in flat(item).items() if not k.startswith(f"{inner[0]}_") and k != inner[0]}
        for part in getattr(item, inner[0]):
            yield context | outer | flat(part)


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """Columns in the order they first appear; a cell a row lacks is empty."""
    rows = list(rows)
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    out = io.StringIO(newline="")
    writer = csv_cells.writer(out)
    writer.writerow(list(columns))
    writer.writerows([row.get(column) for column in columns] for row in rows)
    return out.getvalue()
