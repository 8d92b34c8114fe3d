"""The CSWW census return as a file: record model, streaming parse and validation, CSV and XML writers."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO, Literal, TextIO
from xml.etree.ElementTree import TreeBuilder
from xml.parsers import expat
from xml.sax.saxutils import XMLGenerator

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from services.common import csv_cells
from services.common.census_calendar import census_reference_date, census_year_start
from services.common.swe import normalise_swe, swe_for_census

FileKind = Literal["xml", "csv"]
Severity = Literal["error", "warning"]
FieldKind = Literal["flag", "code", "code_text", "decimal", "count", "date", "text", "swe"]

MAX_PROBLEM_VALUE = 100
UTF8_BOM = b"\xef\xbb\xbf"
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
PLAUSIBLE_AGES = range(18, 81)


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
        """The value of a non-empty, stripped text; raises _Invalid."""
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
_ATTRS = {name: spec.attr for name, spec in CENSUS_FIELDS.items()}
_POSITIONS = {name: spec.position for name, spec in CENSUS_FIELDS.items()}
_FREE_TEXT = frozenset(name for name, spec in CENSUS_FIELDS.items() if spec.kind == "text")
_PARSED_KEPT = 1024  # distinct texts remembered per element


# --- Values: parse and format ------------------------------------------------------------------


class _Invalid(ValueError):
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
        raise _Invalid("invalid_code", f"{spec.element} must be 0 or 1")
    return text == "1"


def _parse_int(spec: CensusField, text: str) -> int:
    if not _INTEGER.fullmatch(text):
        raise _Invalid("invalid_number", f"{spec.element} must be a whole number")
    return int(text)


def _not_a_code(spec: CensusField) -> _Invalid:
    return _Invalid("invalid_code", f"{spec.element} must be a census code ({_describe_codes(spec.codes)})")


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
        raise _Invalid("out_of_range", f"{spec.element} cannot be negative")
    if spec.high is not None and value > spec.high:
        raise _Invalid("out_of_range", f"{spec.element} must be at most {spec.high}")
    return value


def _parse_decimal(spec: CensusField, text: str) -> Decimal:
    if not _DECIMAL.fullmatch(text):
        raise _Invalid("invalid_number", f"{spec.element} must be a decimal number such as 0.5")
    if len(text.partition(".")[2].rstrip("0")) > spec.places:
        raise _Invalid("too_many_decimal_places", f"{spec.element} allows at most {spec.places} decimal places")
    value = Decimal(text)
    if value.is_zero():
        value = value.copy_abs()  # "-0" is 0, and is written "0": no number is written with a sign
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        bounds = f"between {spec.low} and {spec.high}" if spec.high is not None else f"at least {spec.low}"
        raise _Invalid("out_of_range", f"{spec.element} must be {bounds}")
    return value


def _parse_date(spec: CensusField, text: str) -> date:
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise _Invalid("invalid_date", f"{spec.element} must be a date written YYYY-MM-DD") from None


def _parse_text(spec: CensusField, text: str) -> str:
    if _NOT_XML_TEXT.search(text):
        raise _Invalid("invalid_text", f"{spec.element} contains control characters")
    if len(text) > spec.max_length:
        raise _Invalid("too_long", f"{spec.element} is longer than {spec.max_length} characters")
    return text


_CENSUS_SWE = re.compile(r"SW0*([1-9][0-9]{0,9})")  # the census spelling, which normalise_swe accepts


def _parse_swe(spec: CensusField, text: str) -> str:
    if census_spelling := _CENSUS_SWE.fullmatch(text):
        return "SW" + census_spelling.group(1)
    try:
        return normalise_swe(text)
    except ValueError as exc:
        raise _Invalid("invalid_swe_number", f"{spec.element}: {exc}") from None


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


# --- Results -----------------------------------------------------------------------------------


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


@dataclass(slots=True)
class CensusReturn:
    """One council's return for one census year."""

    year: int
    council: str  # DfE code (LEA)
    vacancies: Vacancies | None = None
    records: Iterable[CensusRecord] = field(default_factory=list)  # a list once parsed


@dataclass(slots=True)
class ParseResult:
    census_return: CensusReturn
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if not problem.is_error]

    @property
    def has_errors(self) -> bool:
        return any(problem.is_error for problem in self.problems)


CensusItem = CensusRecord | Vacancies | Problem


# --- Parsing -----------------------------------------------------------------------------------


def parse_census(data: bytes, *, kind: FileKind | None = None, census_year: int, council: str) -> ParseResult:
    """Read and check a whole census file (XML, or CSV with a header row of element names).

    Every problem is collected; records with errors are kept. The caller rejects the file if
    any problem is an error.
    """
    records: list[CensusRecord] = []
    problems: list[Problem] = []
    vacancies: Vacancies | None = None
    for item in iter_census(data, kind=kind, census_year=census_year, council=council):
        if isinstance(item, CensusRecord):
            records.append(item)
        elif isinstance(item, Problem):
            problems.append(item)
        else:
            vacancies = item
    return ParseResult(CensusReturn(census_year, council, vacancies, records), problems)


def iter_census(data: bytes, *, kind: FileKind | None = None, census_year: int, council: str) -> Iterator[CensusItem]:
    """Read and check a census file as a stream of records, the vacancy block and problems.

    A record's problems come just before it. Memory stays flat but for one entry per record kept
    to find duplicates. `kind` None sniffs: a file starting with `<` is XML.
    """
    body = data.removeprefix(UTF8_BOM)
    if kind is None:
        kind = "xml" if body.lstrip()[:1] == b"<" else "csv"
    if kind not in ("xml", "csv"):
        raise ValueError(f"unknown census file kind {kind!r}")
    if problem := _encoding_problem(body, kind):
        yield problem
        return
    if kind == "xml":
        yield from _iter_xml(body, _Checker(census_year, council, "/Message/CSWWWorker[{}]"))
    else:
        yield from _iter_csv(body, _Checker(census_year, council, "line {}"))


_XML_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_CHUNK = 1 << 16


def _encoding_problem(body: bytes, kind: FileKind) -> Problem | None:
    """A bad_encoding problem unless the file is UTF-8 and, if XML, declares no other encoding."""
    if kind == "xml" and (declared := _XML_ENCODING.match(body[:200])):
        name = declared.group(1).decode("ascii", "replace")
        if name.lower() not in ("utf-8", "utf8"):
            return Problem("line 1", None, name, "bad_encoding", f"the file declares encoding {name}; it must be UTF-8")
    # Checked in chunks so a large file is not held twice, as bytes and as text.
    decoder = codecs.getincrementaldecoder("utf-8")()
    for offset in range(0, len(body), _CHUNK):
        chunk = body[offset : offset + _CHUNK]
        try:
            decoder.decode(chunk, final=offset + _CHUNK >= len(body))
        except UnicodeDecodeError as exc:
            carried = len(exc.object) - len(chunk)  # an unfinished character from the chunk before
            at = offset - carried + exc.start
            line = body.count(b"\n", 0, at) + 1
            return Problem(
                f"line {line}",
                None,
                None,
                "bad_encoding",
                f"the file is not UTF-8 (byte 0x{body[at]:02x} on line {line}); save it as UTF-8",
            )
    return None


def _lines(body: bytes) -> Iterator[str]:
    """The decoded lines of a file already known to be UTF-8, one at a time."""
    start = 0
    while start < len(body):
        end = body.find(b"\n", start) + 1 or len(body)
        yield body[start:end].decode("utf-8")
        start = end


class _Checker:
    """Turns one record's element texts into a record and its problems; remembers keys for duplicates."""

    def __init__(self, census_year: int, council: str, location_format: str) -> None:
        self.location_format = location_format  # "line {}": a record's place from its number
        self.census_year = census_year
        self.council = council
        self.year_start = census_year_start(census_year)
        self.reference_date = census_reference_date(census_year)
        # "SW123 738886" (SWE number, start day ordinal) -> number of the first record with it;
        # compact because it is the one thing kept for every record.
        self.seen: dict[str, int] = {}
        # element -> {text: value}: most census texts repeat (codes, flags, FTE, dates), and a
        # value is immutable, so each distinct text is parsed once; bounded, so memory stays flat.
        self.parsed: dict[str, dict[str, Any]] = {element: {} for element in CENSUS_FIELDS}

    def location(self, number: int) -> str:
        return self.location_format.format(number)

    def record(self, values: dict[str, str | None], number: int) -> list[CensusRecord | Problem]:
        """`values` maps element to stripped text, or to None when present but already reported.

        The record's problems, then the record.
        """
        location = self.location(number)
        problems: list[CensusRecord | Problem] = []
        attrs: dict[str, Any] = {}
        parsed = self.parsed
        for element, text in values.items():
            if text is None:
                continue
            known = parsed[element]
            value = known.get(text)  # no parser returns None
            if value is None:
                spec = CENSUS_FIELDS[element]
                try:
                    value = spec.parse(text)
                except _Invalid as exc:
                    problems.append(Problem(location, element, text, exc.code, exc.message))
                    continue
                if spec.kind != "swe" and len(known) < _PARSED_KEPT:
                    known[text] = value
            attrs[_ATTRS[element]] = value
            if element in _FREE_TEXT and csv_cells.is_formula_like(value):
                problems.append(
                    Problem(
                        location,
                        element,
                        text,
                        "formula_like_text",
                        f"{element} starts with {value[0]!r}, which a spreadsheet runs as a formula; it is kept as "
                        "text, and CSV exports write it with a leading single quote",
                        "warning",
                    )
                )
        for element in REQUIRED_ELEMENTS:
            if element not in values:
                problems.append(Problem(location, element, None, "missing_required", f"{element} is required"))
        record = CensusRecord(**attrs, location=location)
        problems.extend(self._across_fields(record, values, number))
        problems.append(record)
        return problems

    def _across_fields(self, record: CensusRecord, values: dict[str, str | None], number: int) -> Iterator[Problem]:
        location, year = record.location, self.census_year
        start, end = record.role_start_date, record.role_end_date
        if end is not None and not self.year_start <= end <= self.reference_date:
            yield Problem(
                location,
                "RoleEndDate",
                end.isoformat(),
                "date_outside_census_year",
                f"RoleEndDate must fall in census year {year} ({self.year_start} to {self.reference_date})",
            )
        if start is not None and start > self.reference_date:
            yield Problem(
                location,
                "RoleStartDate",
                start.isoformat(),
                "start_after_reference_date",
                f"RoleStartDate is after the census reference date {self.reference_date}",
            )
        if start is not None and end is not None and end < start:
            yield Problem(
                location,
                "RoleEndDate",
                end.isoformat(),
                "end_before_start",
                f"RoleEndDate is before RoleStartDate {start}",
            )
        if "RoleEndDate" not in values:
            for element in ("LeaverDestination", "ReasonLeave"):
                if element in values:
                    yield Problem(
                        location,
                        element,
                        values[element],
                        "leaver_fields_without_end_date",
                        f"{element} is given but RoleEndDate is not: only leavers have one",
                    )
        else:
            if "ReasonLeave" not in values:
                yield Problem(
                    location,
                    "ReasonLeave",
                    None,
                    "missing_reason_leave",
                    "a leaver (RoleEndDate given) should have a ReasonLeave",
                    "warning",
                )
            if record.agency_worker:
                yield Problem(
                    location,
                    "RoleEndDate",
                    values["RoleEndDate"],
                    "agency_worker_with_end_date",
                    "agency workers in the return are those in post on 30 September, so have no RoleEndDate",
                    "warning",
                )
        if record.birth_date is not None:
            born, ref = record.birth_date, self.reference_date
            age = ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))
            if age not in PLAUSIBLE_AGES:
                yield Problem(
                    location,
                    "PersonBirthDate",
                    born.isoformat(),
                    "implausible_age",
                    f"PersonBirthDate gives an age of {age} on {ref}; check it",
                    "warning",
                )
        if record.swe_number is not None and start is not None:
            first = self.seen.setdefault(f"{record.swe_number} {start.toordinal()}", number)
            if first != number:
                yield Problem(
                    location,
                    "SWENo",
                    record.swe_number,
                    "duplicate_record",
                    f"the same worker ({record.swe_number}) and RoleStartDate {start} are already at "
                    f"{self.location(first)}",
                )

    def header(self, header: Any) -> Iterator[Problem]:
        expected = {
            "CollectionDetails/Collection": ("CSWW", "wrong_collection"),
            "CollectionDetails/Year": (str(self.census_year), "wrong_year"),
            "CollectionDetails/ReferenceDate": (self.reference_date.isoformat(), "wrong_reference_date"),
            "Source/LEA": (self.council, "wrong_council"),
        }
        for path, (want, code) in expected.items():
            location = f"/Message/Header/{path}"
            element = path.rpartition("/")[2]
            got = header.findtext(path)
            if got is None or not got.strip():
                yield Problem(location, element, None, "missing_required", f"the header needs {element}")
            elif got.strip() != want:
                yield Problem(location, element, got, code, f"{element} must be {want}, not {got.strip()}")

    def vacancies(self, block: Any) -> Iterator[Vacancies | Problem]:
        attrs: dict[str, Any] = {}
        for element, spec in VACANCY_FIELDS.items():
            location = f"/Message/LALevelVacancies/{element}"
            text = (block.findtext(element) or "").strip()
            if not text:
                yield Problem(location, element, None, "missing_required", f"the vacancy block needs {element}")
                continue
            try:
                attrs[spec.attr] = spec.parse(text)
            except _Invalid as exc:
                yield Problem(location, element, text, exc.code, exc.message)
        yield Vacancies(**attrs)


_XML_FEED = 16 * 1024  # bytes fed to the parser at a time, as ElementTree's iterparse reads them


def _ns(name: str) -> str:
    """expat's spelling of a namespaced name (uri}name) as ElementTree's ({uri}name)."""
    return "{" + name if "}" in name else name


class _WrongRoot(Exception):
    """Stops the parser at a root element that is not a census Message."""


# defusedxml's guards (its DefusedXMLParser sets the same handlers, raising the same exceptions).
def _refuse_dtd(name: str, sysid: str | None, pubid: str | None, has_internal_subset: bool) -> None:
    raise DTDForbidden(name, sysid, pubid)


def _refuse_entity(
    name: str,
    is_parameter_entity: bool,
    value: str | None,
    base: str | None,
    sysid: str | None,
    pubid: str | None,
    notation_name: str | None,
) -> None:
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)


def _refuse_unparsed_entity(
    name: str, base: str | None, sysid: str | None, pubid: str | None, notation_name: str | None
) -> None:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation_name)


def _refuse_external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> None:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def _iter_xml(body: bytes, checker: _Checker) -> Iterator[CensusItem]:
    # expat drives ElementTree's own (C) tree builder directly: the same elements as ElementTree's
    # parser builds, but with no Python call per element start and one per end. defusedxml's guards
    # sit on the same parser, so a DTD or an entity declaration stops it before anything is expanded.
    # Below the root, a namespaced tag keeps expat's spelling (uri}name): it matches no census name
    # either way, and _ns() spells it as ElementTree does ({uri}name) where a problem names it.
    parser = expat.ParserCreate(None, "}")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_unparsed_entity
    parser.ExternalEntityRefHandler = _refuse_external
    builder = TreeBuilder()
    build_start, build_end = builder.start, builder.end
    root: Any = None
    ended: list[Any] = []  # children of Message completed by the bytes just fed

    def start_root(name: str, attributes: dict[str, str]) -> None:
        nonlocal root
        root = build_start(_ns(name), attributes)
        parser.StartElementHandler = build_start
        if root.tag != "Message":
            raise _WrongRoot

    def end(name: str) -> None:
        elem = build_end(name)
        if elem is not root and root[-1] is elem:  # a child of Message (root holds only the open one)
            ended.append(elem)

    parser.StartElementHandler = start_root
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    workers = 0
    seen: set[str] = set()
    failure: Exception | None = None
    offset, size = 0, len(body)
    while failure is None:
        final = offset >= size
        try:
            parser.Parse(body[offset : offset + _XML_FEED], final)
        except _WrongRoot:
            yield Problem("/" + root.tag, None, None, "wrong_root", "a census return is a Message")
            return
        except (DefusedXmlException, expat.ExpatError) as exc:
            failure = exc
            if final:  # what ElementTree's iterparse does: the last elements are lost with the error
                ended.clear()
        offset += _XML_FEED
        for elem in ended:
            tag = elem.tag
            if tag == "CSWWWorker":
                workers += 1
                yield from _xml_worker(elem, workers, checker)
            elif tag in ("Header", "LALevelVacancies") and tag in seen:
                yield Problem(f"/Message/{tag}", tag, None, "repeated_element", f"a return has one {tag}")
            elif tag == "Header":
                seen.add(tag)
                yield from checker.header(elem)
            elif tag == "LALevelVacancies":
                seen.add(tag)
                yield from checker.vacancies(elem)
            else:
                tag = _ns(tag)
                yield Problem(f"/Message/{tag}", tag, None, "unknown_element", f"{tag} is not part of a return")
        # Drop what has been read so memory stays flat however long the file is; a child of
        # Message still open stays, so that its end is seen.
        if ended:
            if root[-1] is ended[-1]:
                root.clear()
            else:
                del root[:-1]
        ended.clear()
        if final:
            break
    if isinstance(failure, DefusedXmlException):
        yield Problem(
            "/",
            None,
            None,
            "forbidden_dtd",
            f"the file has a DTD or entity declarations ({type(failure).__name__}), which are refused",
        )
        return
    if isinstance(failure, expat.ExpatError):
        yield Problem(
            f"line {failure.lineno}, column {failure.offset}",
            None,
            None,
            "malformed_xml",
            f"the file is not well-formed XML: {failure}",
        )
        return
    if "Header" not in seen:
        yield Problem("/Message/Header", "Header", None, "missing_header", "the return has no Header")
    if "LALevelVacancies" not in seen:
        yield Problem(
            "/Message/LALevelVacancies",
            "LALevelVacancies",
            None,
            "missing_vacancies",
            "the return has no vacancy block; vacancy measures will be unavailable",
            "warning",
        )


def _xml_worker(elem: Any, number: int, checker: _Checker) -> list[CensusRecord | Problem]:
    location = checker.location(number)
    values: dict[str, str | None] = {}
    problems: list[CensusRecord | Problem] = []
    furthest = -1
    out_of_order = False
    for child in elem:
        tag = child.tag
        position = _POSITIONS.get(tag)
        if position is None:
            tag = _ns(tag)
            problems.append(Problem(location, tag, None, "unknown_element", f"{tag} is not a census element"))
            continue
        if tag in values:
            problems.append(Problem(location, tag, None, "repeated_element", f"{tag} appears twice"))
            continue
        if position < furthest:
            out_of_order = True
        else:
            furthest = position
        text = child.text
        if len(child):
            values[tag] = None
            problems.append(Problem(location, tag, None, "unexpected_children", f"{tag} holds elements"))
        elif text and (text := text.strip()):
            values[tag] = text
        else:
            values[tag] = None
            problems.append(Problem(location, tag, "", "empty_element", f"{tag} is empty; leave a missing value out"))
    if out_of_order:
        problems.append(Problem(location, None, None, "element_order", "elements are not in census order", "warning"))
    problems.extend(checker.record(values, number))
    return problems


def _iter_csv(body: bytes, checker: _Checker) -> Iterator[CensusItem]:
    reader = csv.reader(_lines(body))
    try:
        header = next(reader, None)
        if header is None:
            yield Problem("line 1", None, None, "empty_file", "the file is empty; a CSV return needs a header row")
            return
        columns = [name.strip() for name in header]
        problems: list[Problem] = []
        known: list[tuple[int, str]] = []
        for index, name in enumerate(columns):
            if name not in CENSUS_FIELDS:
                problem = Problem("line 1", name, name, "unknown_column", f"{name!r} is not a census element")
                problems.append(problem)
            elif name in columns[:index]:
                problems.append(Problem("line 1", name, name, "duplicate_column", f"{name} appears twice"))
            else:
                known.append((index, name))
        for name in REQUIRED_ELEMENTS:
            if name not in columns:
                problems.append(Problem("line 1", name, None, "missing_column", f"the header has no {name}"))
        yield from problems
        if any(problem.code == "missing_column" for problem in problems):
            return  # every row would repeat the same error
        width = len(columns)
        last_line = reader.line_num
        for row in reader:
            number = last_line + 1  # where the row starts, even if a quoted cell spans lines
            location = checker.location(number)
            last_line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                yield Problem(location, None, None, "extra_cells", f"the row has more cells than the header's {width}")
            values: dict[str, str | None] = {}
            for index, name in known:
                if index < len(row) and (cell := row[index].strip()):
                    values[name] = csv_cells.restore(cell)  # our own exports quote formula-like text
            yield from checker.record(values, number)
    except csv.Error as exc:
        yield Problem(f"line {reader.line_num}", None, None, "malformed_csv", f"the CSV cannot be read: {exc}")


# --- Writing -----------------------------------------------------------------------------------


def _census_texts(record: CensusRecord) -> Iterator[tuple[str, str | None]]:
    for element, spec in CENSUS_FIELDS.items():
        value = getattr(record, spec.attr)
        if value is None and spec.required:
            raise ValueError(f"record {record.location or record.swe_number} has no {element}")
        yield element, None if value is None else spec.format(value)


def write_census_csv(records: Iterable[CensusRecord], out: TextIO) -> int:
    """Write records as census CSV, one at a time; open `out` with newline="". Returns the count.

    Numbers are written without a sign, so only free text can look like a formula; such text is
    written with a leading single quote, which the census reader takes off again.
    """
    writer = csv_cells.writer(out)
    writer.writerow(CENSUS_FIELDS)
    count = 0
    for record in records:
        writer.writerow([text for _, text in _census_texts(record)])
        count += 1
    return count


class _XmlOut:
    def __init__(self, out: BinaryIO) -> None:
        self.xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=False)
        self.depth = 0

    def open(self, name: str) -> None:
        if self.depth:
            self.xml.ignorableWhitespace("\n" + "  " * self.depth)
        self.xml.startElement(name, {})  # type: ignore[arg-type]
        self.depth += 1

    def close(self, name: str) -> None:
        self.depth -= 1
        self.xml.ignorableWhitespace("\n" + "  " * self.depth)
        self.xml.endElement(name)

    def leaf(self, name: str, text: str) -> None:
        self.xml.ignorableWhitespace("\n" + "  " * self.depth)
        self.xml.startElement(name, {})  # type: ignore[arg-type]
        self.xml.characters(text)
        self.xml.endElement(name)


def write_census_xml(
    census_return: CensusReturn, out: BinaryIO, *, software_code: str = "FutureSocial", generated_at: datetime
) -> int:
    """Write a return as census XML (UTF-8), streaming record by record. Returns the record count."""
    xml = _XmlOut(out)
    xml.xml.startDocument()
    xml.open("Message")
    xml.open("Header")
    xml.open("CollectionDetails")
    xml.leaf("Collection", "CSWW")
    xml.leaf("Year", str(census_return.year))
    xml.leaf("ReferenceDate", census_reference_date(census_return.year).isoformat())
    xml.close("CollectionDetails")
    xml.open("Source")
    xml.leaf("SourceLevel", "L")
    xml.leaf("LEA", census_return.council)
    xml.leaf("SoftwareCode", software_code)
    xml.leaf("DateTime", generated_at.isoformat(timespec="seconds"))
    xml.close("Source")
    xml.close("Header")
    if census_return.vacancies is not None:
        xml.open("LALevelVacancies")
        for element, spec in VACANCY_FIELDS.items():
            value = getattr(census_return.vacancies, spec.attr)
            if value is not None:
                xml.leaf(element, spec.format(value))
        xml.close("LALevelVacancies")
    count = 0
    for record in census_return.records:
        xml.open("CSWWWorker")
        for element, text in _census_texts(record):
            if text is not None:
                xml.leaf(element, text)
        xml.close("CSWWWorker")
        count += 1
    xml.close("Message")
    xml.xml.ignorableWhitespace("\n")
    xml.xml.endDocument()
    return count
