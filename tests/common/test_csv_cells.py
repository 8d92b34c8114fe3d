"""The one rule for every CSV the platform writes: text a spreadsheet would run is written as quoted text
with a leading single quote (OWASP's CSV injection advice); numbers stay numbers."""

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common import csv_cells


def written(*row) -> str:
    out = io.StringIO(newline="")
    csv_cells.writer(out).writerow(row)
    return out.getvalue()


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_text_starting_as_a_formula_gets_a_single_quote_in_a_quoted_cell(start):
    text = f"{start}cmd|' /C calc'!A0"
    assert written(text) == "\"'" + text + '"\r\n'


def test_other_text_is_quoted_but_kept_as_it_is():
    assert written("University of Birmingham", "a, b", 'say "hi"') == (
        '"University of Birmingham","a, b","say ""hi"""\r\n'
    )


def test_numbers_are_written_as_numbers_negative_ones_too():
    line = written(-1.5, Decimal("-12.50"), -3, Decimal("0.000001"), 7)
    assert line == "-1.5,-12.50,-3,0.000001,7\r\n"
    (row,) = csv.reader(io.StringIO(line, newline=""), quoting=csv.QUOTE_NONNUMERIC)
    assert row == [-1.5, -12.5, -3, 0.000001, 7]


def test_what_is_not_a_finite_number_is_text():
    assert written(None, True, float("-inf"), Decimal("NaN")) == '"","True","\'-inf","NaN"\r\n'


@given(st.text())
def test_restore_gives_back_exactly_what_was_neutralised(text):
    neutral = csv_cells.neutralise(text)
    assert not neutral.startswith(csv_cells.FORMULA_STARTS)
    assert csv_cells.restore(neutral) == text
