"""The census field table: every CSWW element, how its text is read and checked and how it is written, and
the records built from them (a worker's record, the vacancy block, a council's return)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from services.common.swe import normalise_swe, swe_for_census

FileKind = Literal["xml", "csv"]
FieldKind = Literal["flag", "code", "code_text", "decimal", "count", "date", "text", "swe"]

ETHNICITY_CODES = frozenset(
    {
        "WBRI",
        "WIRI",
        "WOTH",
        "MWBC",
        "MWBA",
        "MWAS",
        "MOTH",
        "AIND",
        "APKN",
        "ABAN",
        "AOTH",
        "BCRB",
        "BAFR",
        "BOTH",
        "CHNE",
        "OOTH",
        "REFU",
        "NOBT",
    }
)
ABSENCE_CODES = frozenset({"MAT", "OTH", "PUB", "SIC", "TRN", "UNA", "UNP"})


# --- The field table ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CensusField:
    """How one census element is read, checked and written."""

    element: str
    kind: FieldKind
    required: bool = False
    codes: frozenset[Any] = frozenset()
    places: int = 0  # decimals: most decimal places allowed
    fixed_places: bool = False  # decimals: always written with exactly `places` places
    low: Decimal | None = None
    high: Decimal | None = None
    max_length: int = 0
    attr: str = ""  # set from the dataclass field that declares it
    position: int = 0  # census order

    def parse(self, text: str) -> Any:
        """The value of a non-empty, stripped text; raises InvalidValue."""
        return _PARSERS[self.kind](self, text)

    def format(self, value: Any) -> str:
        return _FORMATTERS[self.kind](self, value)


# The largest values the database columns hold (int4, Numeric(9,2)): a bigger one is bad input.
_MAX_COUNT = 2_147_483_647
_MAX_FTE_TOTAL = Decimal("9999999.99")


def _census(element: str, kind: FieldKind, **options: Any) -> Any:
    return field(default=None, metadata={"census": CensusField(element, kind, **options)})


def _codes(first: int, last: int, *more: int) -> frozenset[int]:
    return frozenset(range(first, last + 1)) | frozenset(more)


_ZERO, _ONE = Decimal(0), Decimal(1)


@dataclass(frozen=True, slots=True)
class CensusRecord:
    """One CSWWWorker. None is an absent element (or, in a record with an error, an invalid one).

    The attributes are declared in census order and carry their census element; `CENSUS_FIELDS` is
    read from them. `location` says where the record came from and takes no part in equality.
    """

    agency_worker: bool | None = _census("AgencyWorker", "flag", required=True)
    swe_number: str | None = _census("SWENo", "swe", required=True)  # normalised: SW123
    fte: Decimal | None = _census("FTE", "decimal", places=6, low=_ZERO, high=_ONE)
    birth_date: date | None = _census("PersonBirthDate", "date")
    gender: int | None = _census("GenderCurrent", "code", codes=_codes(0, 2, 9))
    ethnicity: str | None = _census("Ethnicity", "code_text", codes=ETHNICITY_CODES)
    qual_inst: str | None = _census("QualInst", "text", max_length=100)
    qual_level: int | None = _census("QualLevel", "code", codes=_codes(1, 3))
    step_up_grad: bool | None = _census("StepUpGrad", "flag")
    org_role: int | None = _census("OrgRole", "code", codes=_codes(1, 6))
    # Required by us, not by the census: a spell is keyed on council + SWE number + start date.
    role_start_date: date | None = _census("RoleStartDate", "date", required=True)
    start_origin: int | None = _census("StartOrigin", "code", codes=_codes(1, 10))
    role_end_date: date | None = _census("RoleEndDate", "date")
    leaver_destination: int | None = _census("LeaverDestination", "code", codes=_codes(1, 9))
    reason_leave: int | None = _census("ReasonLeave", "code", codes=_codes(1, 10))
    fte30: Decimal | None = _census("FTE30", "decimal", places=6, low=_ZERO, high=_ONE)
    cases30: int | None = _census("Cases30", "count", high=Decimal(_MAX_COUNT))
    working_days_lost: Decimal | None = _census(
        "WorkingDaysLost", "decimal", places=2, fixed_places=True, low=_ZERO, high=Decimal(366)
    )
    contract_weeks: Decimal | None = _census(
        "ContractWeeks", "decimal", places=1, fixed_places=True, low=_ZERO, high=Decimal("99999.9")
    )
    frontline_grad: bool | None = _census("FrontlineGrad", "flag")
    absent_30_sept: bool | None = _census("Absat30Sept", "flag")
    reason_absence: str | None = _census("ReasonAbsence", "code_text", codes=ABSENCE_CODES)
    kss_status: int | None = _census("CFKSSstatus", "code", codes=_codes(1, 4))
    location: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Vacancies:
    """The council-level LALevelVacancies block."""

    number_of_vacancies: Decimal | None = _census(
        "NumberOfVacancies", "decimal", required=True, places=2, fixed_places=True, low=_ZERO, high=_MAX_FTE_TOTAL
    )
    agency_fte_covering: Decimal | None = _census(
        "NoAgencyFTE", "decimal", required=True, places=2, fixed_places=True, low=_ZERO, high=_MAX_FTE_TOTAL
    )
    agency_headcount: int | None = _census("NoAgencyHeadcount", "count", required=True, high=Decimal(_MAX_COUNT))


def _table(cls: type) -> dict[str, CensusField]:
    table: dict[str, CensusField] = {}
    for declared in fields(cls):
        if spec := declared.metadata.get("census"):
            table[spec.element] = replace(spec, attr=declared.name, position=len(table))
    return table


CENSUS_FIELDS: dict[str, CensusField] = _table(CensusRecord)
VACANCY_FIELDS: dict[str, CensusField] = _table(Vacancies)
REQUIRED_ELEMENTS = tuple(name for name, spec in CENSUS_FIELDS.items() if spec.required)
ATTRS = {name: spec.attr for name, spec in CENSUS_FIELDS.items()}
POSITIONS = {name: spec.position for name, spec in CENSUS_FIELDS.items()}
FREE_TEXT = frozenset(name for name, spec in CENSUS_FIELDS.items() if spec.kind == "text")


@dataclass(slots=True)
class CensusReturn:
    """One council's return for one census year."""

    year: int
    council: str  # DfE code (LEA)
    vacancies: Vacancies | None = None
    records: Iterable[CensusRecord] = field(default_factory=list)  # a list once parsed


# --- Values: parse and format ------------------------------------------------------------------


class InvalidValue(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NOT_XML_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")  # control characters cannot go to XML


def _describe_codes(codes: frozenset[Any]) -> str:
    ordered = sorted(codes)
    if all(isinstance(code, int) for code in ordered) and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]} to {ordered[-1]}"
    return ", ".join(str(code) for code in ordered)


def _parse_flag(spec: CensusField, text: str) -> bool:
    if text not in ("0", "1"):
        raise InvalidValue("invalid_code", f"{spec.element} must be 0 or 1")
    return text == "1"


def _parse_int(spec: CensusField, text: str) -> int:
    if not _INTEGER.fullmatch(text):
        raise InvalidValue("invalid_number", f"{spec.element} must be a whole number")
    return int(text)


def _not_a_code(spec: CensusField) -> InvalidValue:
    return InvalidValue("invalid_code", f"{spec.element} must be a census code ({_describe_codes(spec.codes)})")


def _parse_code(spec: CensusField, text: str) -> int:
    if not _INTEGER.fullmatch(text) or int(text) not in spec.codes:
        raise _not_a_code(spec)
    return int(text)


def _parse_code_text(spec: CensusField, text: str) -> str:
    if text not in spec.codes:
        raise _not_a_code(spec)
    return text


def _parse_count(spec: CensusField, text: str) -> int:
    value = _parse_int(spec, text)
    if value < 0:
        raise InvalidValue("out_of_range", f"{spec.element} cannot be negative")
    if spec.high is not None and value > spec.high:
        raise InvalidValue("out_of_range", f"{spec.element} must be at most {spec.high}")
    return value


def _parse_decimal(spec: CensusField, text: str) -> Decimal:
    if not _DECIMAL.fullmatch(text):
        raise InvalidValue("invalid_number", f"{spec.element} must be a decimal number such as 0.5")
    if len(text.partition(".")[2].rstrip("0")) > spec.places:
        raise InvalidValue("too_many_decimal_places", f"{spec.element} allows at most {spec.places} decimal places")
    value = Decimal(text)
    if value.is_zero():
        value = value.copy_abs()  # "-0" is 0, and is written "0": no number is written with a sign
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        bounds = f"between {spec.low} and {spec.high}" if spec.high is not None else f"at least {spec.low}"
        raise InvalidValue("out_of_range", f"{spec.element} must be {bounds}")
    return value


def _parse_date(spec: CensusField, text: str) -> date:
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue("invalid_date", f"{spec.element} must be a date written YYYY-MM-DD") from None


def _parse_text(spec: CensusField, text: str) -> str:
    if _NOT_XML_TEXT.search(text):
        raise InvalidValue("invalid_text", f"{spec.element} contains control characters")
    if len(text) > spec.max_length:
        raise InvalidValue("too_long", f"{spec.element} is longer than {spec.max_length} characters")
    return text


_CENSUS_SWE = re.compile(r"SW0*([1-9][0-9]{0,9})")  # the census spelling, which normalise_swe accepts


def _parse_swe(spec: CensusField, text: str) -> str:
    if census_spelling := _CENSUS_SWE.fullmatch(text):
        return "SW" + census_spelling.group(1)
    try:
        return normalise_swe(text)
    except ValueError as exc:
        raise InvalidValue("invalid_swe_number", f"{spec.element}: {exc}") from None


def _format_decimal(spec: CensusField, value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"{spec.element} {value} is not a number")
    whole, _, fraction = format(value.copy_abs() if value.is_zero() else value, "f").partition(".")
    fraction = fraction.rstrip("0")
    if len(fraction) > spec.places:
        raise ValueError(f"{spec.element} {value} has more than {spec.places} decimal places")
    if spec.fixed_places:
        fraction = fraction.ljust(spec.places, "0")
    return f"{whole}.{fraction}" if fraction else whole


_PARSERS: dict[str, Callable[[CensusField, str], Any]] = {
    "flag": _parse_flag,
    "code": _parse_code,
    "code_text": _parse_code_text,
    "decimal": _parse_decimal,
    "count": _parse_count,
    "date": _parse_date,
    "text": _parse_text,
    "swe": _parse_swe,
}
_FORMATTERS: dict[str, Callable[[CensusField, Any], str]] = {
    "flag": lambda spec, value: "1" if value else "0",
    "code": lambda spec, value: str(int(value)),
    "code_text": lambda spec, value: value,
    "decimal": _format_decimal,
    "count": lambda spec, value: str(int(value)),
    "date": lambda spec, value: value.isoformat(),
    "text": lambda spec, value: value,
    "swe": lambda spec, value: swe_for_census(value),
}
