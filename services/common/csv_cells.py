"""The cells of every CSV file the platform writes: no text in them is something a spreadsheet would run.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` as a formula
(tab, carriage return and line feed too, before one of those), so a qualifying institution of
`=HYPERLINK(...)` typed into an HR system would come back out as a live formula in the export HR opens.
As OWASP's CSV injection guidance says, such text is written with a leading single quote, and every
text cell is quoted. Numbers are written as numbers and never changed: a negative figure is data, not
a formula, and a file the platform reads back must give the same numbers.
"""

import csv
import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
ESCAPE = "'"


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would run this text if it were a cell on its own."""
    return text.startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """The text a spreadsheet shows as text: a formula-like one gets a leading single quote.

    Text that already starts with single quotes before a formula character gets one more, so that
    `restore` always gives back exactly what was written.
    """
    return ESCAPE + text if is_formula_like(text.lstrip(ESCAPE)) else text


def restore(text: str) -> str:
    """What `neutralise` was given, for a reader of the platform's own CSV."""
    if text.startswith(ESCAPE) and is_formula_like(text.lstrip(ESCAPE)):
        return text[1:]
    return text


def _finite_number(value: Any) -> bool:
    if isinstance(value, bool):  # an int to Python, but True is no figure
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, float) and math.isfinite(value)


def cell(value: Any) -> Any:
    """A value as the CSV writer should get it: a finite number as it is, anything else as safe text."""
    if value is None:
        return ""
    return value if _finite_number(value) else neutralise(str(value))


class SafeWriter:
    """`csv.writer` whose every text cell is quoted and neutralised; numbers stay numbers."""

    def __init__(self, out: Any) -> None:
        # QUOTE_NONNUMERIC quotes every cell that is not a number, so a neutralised cell is one
        # cell however many separators or quotes it holds.
        self._writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: Any) -> SafeWriter:
    """A CSV writer for `out` (a text file opened with newline="") whose cells no spreadsheet runs."""
    return SafeWriter(out)
