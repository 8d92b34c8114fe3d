"""What is wrong in a census file: one Problem per finding, an error (the file is rejected) or a warning."""

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
MAX_PROBLEM_VALUE = 100


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in a census file.

    `code` is stable for machines: bad_encoding, malformed_xml, forbidden_dtd, malformed_csv,
    empty_file, wrong_root, missing_header, wrong_collection, wrong_year, wrong_reference_date,
    wrong_council, missing_vacancies (warning), unknown_element, repeated_element, empty_element,
    unexpected_children, element_order (warning), unknown_column, duplicate_column, missing_column,
    extra_cells, missing_required, invalid_code, invalid_number, too_many_decimal_places,
    out_of_range, invalid_date, invalid_text, too_long, invalid_swe_number,
    date_outside_census_year, start_after_reference_date, end_before_start,
    leaver_fields_without_end_date, missing_reason_leave (warning),
    agency_worker_with_end_date (warning), implausible_age (warning), duplicate_record,
    formula_like_text (warning).
    """

    location: str  # "line 7", "/Message/CSWWWorker[3]", "line 4, column 12"
    field: str | None  # census element name
    value: str | None
    code: str
    message: str
    severity: Severity = "error"

    def __post_init__(self) -> None:
        if self.value is not None and len(self.value) > MAX_PROBLEM_VALUE:
            object.__setattr__(self, "value", self.value[:MAX_PROBLEM_VALUE])

    @property
    def is_error(self) -> bool:
        return self.severity == "error"
