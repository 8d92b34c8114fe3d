"""Writing census files: records as census CSV, and a council's return as CSWW XML, streamed record by record."""

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import BinaryIO, TextIO
from xml.sax.saxutils import XMLGenerator

from services.common import csv_cells
from services.common.census_calendar import census_reference_date
from services.placements.census.fields import CENSUS_FIELDS, VACANCY_FIELDS, CensusRecord, CensusReturn


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
