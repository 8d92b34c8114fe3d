"""The pages' tables, each shown and downloadable as CSV from the same rows of the API's JSON: one list of
columns says what a table holds, the page shows the columns marked for it, and the CSV holds them all,
written as every CSV of the platform is (services.common.csv_cells: no text cell a spreadsheet would run)."""

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi.responses import Response

from services.common import csv_cells

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Column:
    """One column: its heading, and the API's field it shows (or how to read it from the row). `places` is
    how a number is written on the page (None: text); the API writes decimals as text, the CSV as numbers."""

    heading: str
    field: str | Callable[[Row], Any]
    places: int | None = 1
    on_page: bool = True

    def value(self, row: Row) -> Any:
        return self.field(row) if callable(self.field) else row.get(self.field)

    def cell(self, row: Row) -> Any:
        """The value as the CSV holds it: a number as a number, the rest as text."""
        value = self.value(row)
        if self.places is None or value is None or isinstance(value, bool | int):
            return value
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return value


def csv_download(filename: str, columns: Sequence[Column], rows: Iterable[Row]) -> Response:
    """The table as a CSV attachment named `filename` (which says the census year)."""
    out = io.StringIO(newline="")
    writer = csv_cells.writer(out)
    writer.writerow([column.heading for column in columns])
    writer.writerows([column.cell(row) for column in columns] for row in rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
