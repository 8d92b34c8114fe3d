"""Reading a census file: the XML and CSV readers, streaming, each record checked as it is read.

XML is parsed by expat with defusedxml's guards on (no DTD, no entity declarations, no external
references) and ElementTree's C tree builder, a child of Message at a time so memory stays flat.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import TreeBuilder
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from services.common import csv_cells
from services.common.census_calendar import census_reference_date, census_year_start
from services.placements.census.fields import (
    ATTRS,
    CENSUS_FIELDS,
    FREE_TEXT,
    POSITIONS,
    REQUIRED_ELEMENTS,
    VACANCY_FIELDS,
    CensusRecord,
    CensusReturn,
    FileKind,
    InvalidValue,
    Vacancies,
)
from services.placements.census.problems import Problem
from services.placements.census.rules import across_fields, header_problems

UTF8_BOM = b"\xef\xbb\xbf"
_PARSED_KEPT = 1024  # distinct texts remembered per element


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
                except InvalidValue as exc:
                    problems.append(Problem(location, element, text, exc.code, exc.message))
                    continue
                if spec.kind != "swe" and len(known) < _PARSED_KEPT:
                    known[text] = value
            attrs[ATTRS[element]] = value
            if element in FREE_TEXT and csv_cells.is_formula_like(value):
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
        problems.extend(across_fields(record, values, self.census_year, self.year_start, self.reference_date))
        start = record.role_start_date
        if record.swe_number is not None and start is not None:  # one record per spell
            first = self.seen.setdefault(f"{record.swe_number} {start.toordinal()}", number)
            if first != number:
                problems.append(
                    Problem(
                        location,
                        "SWENo",
                        record.swe_number,
                        "duplicate_record",
                        f"the same worker ({record.swe_number}) and RoleStartDate {start} are already at "
                        f"{self.location(first)}",
                    )
                )
        problems.append(record)
        return problems

    def header(self, header: Any) -> Iterator[Problem]:
        yield from header_problems(header, self.census_year, self.council)

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
            except InvalidValue as exc:
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
        position = POSITIONS.get(tag)
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
