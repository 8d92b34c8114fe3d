"""Behaviour of the census file layer: reading, checking and writing CSWW returns as XML and CSV."""

import csv
import io
import time
import tracemalloc
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.placements.census.fields import CENSUS_FIELDS, CensusRecord, CensusReturn, Vacancies
from services.placements.census.problems import Problem
from services.placements.census.readers import iter_census, parse_census
from services.placements.census.writers import write_census_csv, write_census_xml

YEAR, COUNCIL = 2024, "331"

# An employed case holder in post on 30 September 2024, every element filled in.
IN_POST = {
    "AgencyWorker": "0",
    "SWENo": "SW0000000123",
    "FTE": "0.8",
    "PersonBirthDate": "1985-04-02",
    "GenderCurrent": "2",
    "Ethnicity": "WBRI",
    "QualInst": "University of Warwick",
    "QualLevel": "2",
    "StepUpGrad": "0",
    "OrgRole": "5",
    "RoleStartDate": "2019-09-02",
    "StartOrigin": "1",
    "FTE30": "0.8",
    "Cases30": "17",
    "WorkingDaysLost": "3.50",
    "FrontlineGrad": "0",
    "Absat30Sept": "0",
    "CFKSSstatus": "1",
}
OTHER = {"AgencyWorker": "0", "SWENo": "SW0000000001", "FTE": "1", "RoleStartDate": "2015-01-05"}
LEAVER = {"RoleEndDate": "2024-03-31", "LeaverDestination": "1", "ReasonLeave": "1"}
VACANCY_BLOCK = {"NumberOfVacancies": "12.50", "NoAgencyFTE": "3.00", "NoAgencyHeadcount": "4"}


def worker(base=IN_POST, **changes):
    """A worker's elements in census order; a change to None leaves the element out."""
    merged = {**base, **changes}
    order = list(CENSUS_FIELDS)
    in_order = sorted(merged, key=lambda element: order.index(element) if element in order else len(order))
    return {element: merged[element] for element in in_order if merged[element] is not None}


def census_xml(
    workers,
    *,
    year=str(YEAR),
    lea=COUNCIL,
    collection="CSWW",
    vacancies=VACANCY_BLOCK,
    header=True,
    declaration='<?xml version="1.0" encoding="UTF-8"?>',
):
    parts = [declaration, "<Message>"]
    if header:
        parts.append(
            f"<Header><CollectionDetails><Collection>{collection}</Collection><Year>{year}</Year>"
            f"<ReferenceDate>{year}-09-30</ReferenceDate></CollectionDetails><Source><SourceLevel>L"
            f"</SourceLevel><LEA>{lea}</LEA><SoftwareCode>HR</SoftwareCode>"
            f"<DateTime>2024-10-04T09:00:00</DateTime></Source></Header>"
        )
    if vacancies:
        parts.append("<LALevelVacancies>" + "".join(f"<{k}>{v}</{k}>" for k, v in vacancies.items()))
        parts.append("</LALevelVacancies>")
    for elements in workers:
        inner = "".join(f"<{k}>{v}</{k}>" for k, v in elements.items())
        parts.append(f"<CSWWWorker>{inner}</CSWWWorker>")
    parts.append("</Message>")
    return "\n".join(parts).encode()


def census_csv(workers, header=None):
    header = header or list(CENSUS_FIELDS)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for elements in workers:
        writer.writerow([elements.get(name, "") for name in header])
    return out.getvalue().encode()


def census_file(kind, workers):
    return census_xml(workers) if kind == "xml" else census_csv(workers)


def parse(data, kind=None):
    return parse_census(data, kind=kind, census_year=YEAR, council=COUNCIL)


def codes(result):
    return [problem.code for problem in result.problems]


# Where the second worker of a file is, in each kind of file.
SECOND = {"xml": "/Message/CSWWWorker[2]", "csv": "line 3"}


# --- Reading good files ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["xml", "csv"])
def test_a_good_file_gives_typed_records_and_no_problems(kind):
    result = parse(census_file(kind, [OTHER, worker(**LEAVER)]))
    assert result.problems == []
    first, leaver = result.census_return.records
    assert first.location == ("/Message/CSWWWorker[1]" if kind == "xml" else "line 2")
    assert leaver.swe_number == "SW123"
    assert leaver.agency_worker is False
    assert leaver.fte == Decimal("0.8")
    assert leaver.gender == 2
    assert leaver.ethnicity == "WBRI"
    assert leaver.role_start_date == date(2019, 9, 2)
    assert leaver.role_end_date == date(2024, 3, 31)
    assert leaver.working_days_lost == Decimal("3.5")
    assert leaver.contract_weeks is None


def test_the_xml_vacancy_block_is_read():
    vacancies = parse(census_xml([OTHER])).census_return.vacancies
    assert vacancies == Vacancies(Decimal("12.5"), Decimal("3"), 4)


def test_a_csv_file_has_no_vacancy_block():
    assert parse(census_csv([OTHER])).census_return.vacancies is None


def test_a_utf8_byte_order_mark_is_fine():
    assert parse(b"\xef\xbb\xbf" + census_xml([OTHER])).problems == []
    assert parse(b"\xef\xbb\xbf" + census_csv([OTHER])).problems == []


def test_csv_may_leave_optional_columns_out_and_cells_empty():
    data = census_csv(
        [{"AgencyWorker": "1", "SWENo": "sw 77", "RoleStartDate": "2024-06-01", "FTE": ""}],
        header=["AgencyWorker", "SWENo", "RoleStartDate", "FTE"],
    )
    result = parse(data)
    assert result.problems == []
    (record,) = result.census_return.records
    assert record.swe_number == "SW77" and record.agency_worker is True and record.fte is None


def test_csv_locations_follow_rows_that_span_lines():
    data = census_csv([worker(QualInst="University of\nBirmingham"), worker(OTHER, FTE="7")])
    result = parse(data)
    # A line break cannot be part of a value (XML would not keep a carriage return as it is).
    assert [(p.location, p.code) for p in result.problems] == [
        ("line 2", "invalid_text"),
        ("line 4", "out_of_range"),
    ]


# --- Bad values --------------------------------------------------------------------------------


BAD_VALUES = [
    ("AgencyWorker", "2", "invalid_code"),
    ("SWENo", "SW12A", "invalid_swe_number"),
    ("SWENo", "SW00000", "invalid_swe_number"),
    ("SWENo", "HC123", "invalid_swe_number"),
    ("FTE", "1.5", "out_of_range"),
    ("FTE", "-0.1", "out_of_range"),
    ("FTE", "0.1234567", "too_many_decimal_places"),
    ("FTE", "1e-1", "invalid_number"),
    ("FTE", "half", "invalid_number"),
    ("FTE30", "1.01", "out_of_range"),
    ("FTE30", "0.0000001", "too_many_decimal_places"),
    ("PersonBirthDate", "1985-02-30", "invalid_date"),
    ("PersonBirthDate", "02/04/1985", "invalid_date"),
    ("GenderCurrent", "3", "invalid_code"),
    ("Ethnicity", "wbri", "invalid_code"),
    ("Ethnicity", "WHITE", "invalid_code"),
    ("QualInst", "x" * 101, "too_long"),
    ("QualLevel", "4", "invalid_code"),
    ("StepUpGrad", "yes", "invalid_code"),
    ("OrgRole", "0", "invalid_code"),
    ("StartOrigin", "11", "invalid_code"),
    ("Cases30", "-1", "out_of_range"),
    ("Cases30", "2.5", "invalid_number"),
    ("WorkingDaysLost", "3.125", "too_many_decimal_places"),
    ("WorkingDaysLost", "-1", "out_of_range"),
    ("ContractWeeks", "12.25", "too_many_decimal_places"),
    ("FrontlineGrad", "true", "invalid_code"),
    ("Absat30Sept", "01", "invalid_code"),
    ("ReasonAbsence", "HOL", "invalid_code"),
    ("CFKSSstatus", "5", "invalid_code"),
    ("RoleStartDate", "2024-10-01", "start_after_reference_date"),
]


@pytest.mark.parametrize("kind", ["xml", "csv"])
@pytest.mark.parametrize(("element", "text", "code"), BAD_VALUES)
def test_a_bad_value_is_an_error_at_its_record_and_element(kind, element, text, code):
    result = parse(census_file(kind, [OTHER, worker(**{element: text})]))
    assert [(p.location, p.field, p.code, p.severity) for p in result.problems] == [
        (SECOND[kind], element, code, "error")
    ]
    assert result.problems[0].value == text[:100]
    assert result.problems[0].message
    assert len(result.census_return.records) == 2  # kept, for the report


@pytest.mark.parametrize("kind", ["xml", "csv"])
@pytest.mark.parametrize("end", ["2023-09-30", "2024-10-01"])
def test_a_leaving_date_outside_the_census_year_is_an_error(kind, end):
    result = parse(census_file(kind, [OTHER, worker(**{**LEAVER, "RoleEndDate": end})]))
    assert [(p.location, p.field, p.code) for p in result.errors] == [
        (SECOND[kind], "RoleEndDate", "date_outside_census_year")
    ]


@pytest.mark.parametrize("kind", ["xml", "csv"])
def test_leaving_before_starting_is_an_error(kind):
    result = parse(census_file(kind, [OTHER, worker(**LEAVER, RoleStartDate="2024-04-01")]))
    assert [(p.location, p.code) for p in result.errors] == [(SECOND[kind], "end_before_start")]


@pytest.mark.parametrize("kind", ["xml", "csv"])
@pytest.mark.parametrize("element", ["LeaverDestination", "ReasonLeave"])
def test_leaver_details_without_a_leaving_date_are_an_error(kind, element):
    result = parse(census_file(kind, [OTHER, worker(**{element: LEAVER[element]})]))
    assert [(p.location, p.field, p.code) for p in result.errors] == [
        (SECOND[kind], element, "leaver_fields_without_end_date")
    ]


@pytest.mark.parametrize("kind", ["xml", "csv"])
@pytest.mark.parametrize("element", ["AgencyWorker", "SWENo", "RoleStartDate"])
def test_a_missing_required_value_is_an_error(kind, element):
    result = parse(census_file(kind, [OTHER, worker(**{element: None})]))
    assert [(p.location, p.field, p.code) for p in result.errors] == [(SECOND[kind], element, "missing_required")]


@pytest.mark.parametrize("kind", ["xml", "csv"])
def test_a_leaver_without_a_reason_is_only_a_warning(kind):
    result = parse(census_file(kind, [OTHER, worker(**{**LEAVER, "ReasonLeave": None})]))
    assert not result.has_errors
    assert result.errors == []
    assert [(p.location, p.code, p.severity) for p in result.warnings] == [
        (SECOND[kind], "missing_reason_leave", "warning")
    ]


@pytest.mark.parametrize("kind", ["xml", "csv"])
def test_an_agency_worker_with_a_leaving_date_is_a_warning(kind):
    agency_leaver = worker(**LEAVER, AgencyWorker="1", ContractWeeks="26.0")
    result = parse(census_file(kind, [OTHER, agency_leaver]))
    assert codes(result) == ["agency_worker_with_end_date"]
    assert not result.has_errors


@pytest.mark.parametrize("kind", ["xml", "csv"])
@pytest.mark.parametrize(
    ("born", "warned"),
    [
        ("2006-10-01", True),  # 17 on 30 September 2024
        ("2006-09-30", False),  # 18 that day
        ("1944-01-01", False),  # 80
        ("1943-09-30", True),  # 81
        ("2030-01-01", True),  # not born yet
    ],
)
def test_an_implausible_age_is_a_warning(kind, born, warned):
    result = parse(census_file(kind, [OTHER, worker(PersonBirthDate=born)]))
    assert codes(result) == (["implausible_age"] if warned else [])
    assert not result.has_errors


@pytest.mark.parametrize("kind", ["xml", "csv"])
def test_the_same_worker_and_start_twice_is_a_duplicate_naming_the_first(kind):
    again = worker(SWENo="sw 123", FTE="0.2")
    result = parse(census_file(kind, [worker(), OTHER, again]))
    (problem,) = result.problems
    first, third = {
        "xml": ("/Message/CSWWWorker[1]", "/Message/CSWWWorker[3]"),
        "csv": ("line 2", "line 4"),
    }[kind]
    assert (problem.location, problem.field, problem.code) == (third, "SWENo", "duplicate_record")
    assert first in problem.message


@pytest.mark.parametrize("kind", ["xml", "csv"])
def test_the_same_worker_with_another_start_is_not_a_duplicate(kind):
    result = parse(census_file(kind, [worker(), worker(RoleStartDate="2024-05-01", StartOrigin="2")]))
    assert result.problems == []


@pytest.mark.parametrize("kind", ["xml", "csv"])
def test_every_problem_is_collected_not_just_the_first(kind):
    messy = worker(FTE="2", GenderCurrent="7", **LEAVER, RoleStartDate="2024-06-01")
    result = parse(census_file(kind, [messy, worker(OTHER, Cases30="-3")]))
    assert sorted(codes(result)) == ["end_before_start", "invalid_code", "out_of_range", "out_of_range"]
    assert len(result.census_return.records) == 2


def test_a_long_value_is_cut_to_100_characters_in_the_problem():
    result = parse(census_xml([worker(QualInst="y" * 5000)]))
    assert result.problems[0].value == "y" * 100
    assert Problem("x", None, "z" * 101, "c", "m").value == "z" * 100


# --- XML structure and safety ------------------------------------------------------------------


def test_an_empty_xml_element_is_an_error_not_an_absent_value():
    result = parse(census_xml([OTHER, worker(FTE="")]))
    assert [(p.location, p.field, p.code) for p in result.problems] == [
        ("/Message/CSWWWorker[2]", "FTE", "empty_element")
    ]
    result = parse(census_xml([OTHER]).replace(b"<FTE>1</FTE>", b"<FTE/>"))
    assert codes(result) == ["empty_element"]


def test_an_unknown_element_in_a_worker_is_an_error():
    result = parse(census_xml([OTHER, worker(Salary="40000")]))
    assert [(p.location, p.field, p.code) for p in result.problems] == [
        ("/Message/CSWWWorker[2]", "Salary", "unknown_element")
    ]


def test_an_element_given_twice_is_an_error():
    data = census_xml([OTHER]).replace(b"<FTE>1</FTE>", b"<FTE>1</FTE><FTE>0.5</FTE>")
    assert codes(parse(data)) == ["repeated_element"]


def test_elements_out_of_census_order_are_only_a_warning():
    reordered = {"SWENo": "SW5", "AgencyWorker": "0", "RoleStartDate": "2020-01-01", "FTE": "1"}
    result = parse(census_xml([OTHER, reordered]))
    assert [(p.location, p.code, p.severity) for p in result.problems] == [
        ("/Message/CSWWWorker[2]", "element_order", "warning")
    ]


def test_malformed_xml_is_one_error_with_line_and_column():
    data = census_xml([OTHER]).replace(b"</CSWWWorker>", b"</CSWWWorkr>")
    (problem,) = parse(data).problems
    assert problem.code == "malformed_xml"
    assert problem.location.startswith("line 6, column ")  # the first worker's line


def test_records_before_a_broken_part_stream_out_before_the_error():
    data = census_xml([OTHER, worker()]).replace(b"</Message>", b"")
    items = list(iter_census(data, census_year=YEAR, council=COUNCIL))
    kinds = [type(item).__name__ for item in items]
    assert kinds == ["Vacancies", "CensusRecord", "CensusRecord", "Problem"]
    assert items[-1].code == "malformed_xml"


@pytest.mark.parametrize("kind", ["xml", "csv"])
def test_streaming_a_long_file_keeps_memory_small(kind):
    records = [a_record(swe_number=f"SW{n}", qual_inst="University of Wolverhampton") for n in range(1, 3001)]
    if kind == "xml":
        data = written_xml(records)
    else:
        out = io.StringIO(newline="")
        write_census_csv(records, out)
        data = out.getvalue().encode()
    tracemalloc.start()
    try:
        items = iter_census(data, census_year=YEAR, council=COUNCIL)
        count = sum(isinstance(item, CensusRecord) for item in items)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 3000
    # Only a duplicate-check key (under 100 bytes) stays behind per record; a kept XML tree would
    # hold several kilobytes per worker.
    assert peak < 1_500_000, f"{peak} bytes for {len(data)} bytes of {kind}"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW1</SWENo>
<QualInst>&lol9;</QualInst><RoleStartDate>2020-01-01</RoleStartDate></CSWWWorker></Message>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Message><CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW1</SWENo>
<QualInst>&xxe;</QualInst><RoleStartDate>2020-01-01</RoleStartDate></CSWWWorker></Message>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Message SYSTEM "http://127.0.0.1:9/census.dtd">
<Message></Message>"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE, EXTERNAL_DTD], ids=["billion_laughs", "xxe", "dtd"])
def test_a_dtd_is_refused_and_nothing_is_expanded(payload):
    started = time.perf_counter()
    result = parse(payload)
    assert time.perf_counter() - started < 1
    assert [(p.code, p.severity) for p in result.problems] == [("forbidden_dtd", "error")]
    assert result.census_return.records == []
    assert "root:" not in repr(result) and "lollol" not in repr(result)


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252", "UTF-16"])
def test_an_xml_file_declaring_another_encoding_is_refused(encoding):
    data = census_xml([OTHER], declaration=f'<?xml version="1.0" encoding="{encoding}"?>')
    assert codes(parse(data)) == ["bad_encoding"]


def test_a_lowercase_utf8_declaration_is_fine():
    assert parse(census_xml([OTHER], declaration='<?xml version="1.0" encoding="utf-8"?>')).problems == []


@pytest.mark.parametrize("kind", ["xml", "csv"])
def test_bytes_that_are_not_utf8_are_refused_with_their_line(kind):
    data = census_file(kind, [OTHER, worker(QualInst="Université")])
    latin1 = data.replace("Université".encode(), "Université".encode("latin-1"))
    (problem,) = parse(latin1).problems
    assert problem.code == "bad_encoding"
    assert problem.location == ("line 7" if kind == "xml" else "line 3")  # the second worker's line


def test_utf16_bytes_are_refused():
    assert codes(parse(census_csv([OTHER]).decode().encode("utf-16"))) == ["bad_encoding"]


@pytest.mark.parametrize(
    ("changes", "location", "code"),
    [
        ({"year": "2023"}, "/Message/Header/CollectionDetails/Year", "wrong_year"),
        ({"lea": "330"}, "/Message/Header/Source/LEA", "wrong_council"),
        ({"collection": "SWF"}, "/Message/Header/CollectionDetails/Collection", "wrong_collection"),
        ({"header": False}, "/Message/Header", "missing_header"),
    ],
)
def test_the_header_must_be_this_councils_csww_return_for_this_year(changes, location, code):
    result = parse(census_xml([OTHER], **changes))
    assert [(p.location, p.code, p.severity) for p in result.problems if p.code == code] == [(location, code, "error")]


def test_a_return_without_a_vacancy_block_is_a_warning():
    result = parse(census_xml([OTHER], vacancies=None))
    assert [(p.code, p.severity) for p in result.problems] == [("missing_vacancies", "warning")]
    assert result.census_return.vacancies is None


def test_a_bad_vacancy_value_is_an_error():
    result = parse(census_xml([OTHER], vacancies={**VACANCY_BLOCK, "NoAgencyHeadcount": "-2"}))
    assert [(p.location, p.code) for p in result.problems] == [
        ("/Message/LALevelVacancies/NoAgencyHeadcount", "out_of_range")
    ]


# --- CSV structure -----------------------------------------------------------------------------


def test_csv_without_required_columns_names_them_and_reads_no_rows():
    data = census_csv([OTHER], header=["FTE", "RoleStartDate"])
    result = parse(data)
    assert [(p.location, p.field, p.code) for p in result.problems] == [
        ("line 1", "AgencyWorker", "missing_column"),
        ("line 1", "SWENo", "missing_column"),
    ]
    assert result.census_return.records == []


def test_an_unknown_csv_column_is_an_error_naming_it():
    data = census_csv([{**OTHER, "Salary": "1"}], header=["AgencyWorker", "SWENo", "RoleStartDate", "Salary"])
    result = parse(data)
    assert [(p.location, p.field, p.code) for p in result.problems] == [("line 1", "Salary", "unknown_column")]
    assert len(result.census_return.records) == 1


def test_a_row_longer_than_the_header_is_an_error():
    data = census_csv([OTHER], header=["AgencyWorker", "SWENo", "RoleStartDate"])
    data += b"0,SW9,2020-01-01,surplus\n"
    assert [(p.location, p.code) for p in parse(data).problems] == [("line 3", "extra_cells")]


def test_an_empty_csv_file_is_an_error():
    assert codes(parse(b"", kind="csv")) == ["empty_file"]


# --- Writing and reading back ------------------------------------------------------------------


def test_census_fields_are_in_census_order_with_their_attributes():
    assert list(CENSUS_FIELDS) == [
        "AgencyWorker", "SWENo", "FTE", "PersonBirthDate", "GenderCurrent", "Ethnicity", "QualInst",
        "QualLevel", "StepUpGrad", "OrgRole", "RoleStartDate", "StartOrigin", "RoleEndDate",
        "LeaverDestination", "ReasonLeave", "FTE30", "Cases30", "WorkingDaysLost", "ContractWeeks",
        "FrontlineGrad", "Absat30Sept", "ReasonAbsence", "CFKSSstatus",
    ]  # fmt: skip
    assert CENSUS_FIELDS["Absat30Sept"].attr == "absent_30_sept"
    assert CENSUS_FIELDS["CFKSSstatus"].attr == "kss_status"


def a_record(**changes):
    values = dict(
        agency_worker=False,
        swe_number="SW123",
        fte=Decimal("5E-1"),
        qual_inst="Birmingham & Solihull <College>",
        step_up_grad=False,
        role_start_date=date(2020, 1, 6),
        fte30=Decimal("1.000000"),
        working_days_lost=Decimal("4.5"),
        contract_weeks=Decimal("12"),
    )
    return CensusRecord(**{**values, **changes})


def written_xml(records, vacancies=None):
    out = io.BytesIO()
    census_return = CensusReturn(YEAR, COUNCIL, vacancies, records)
    write_census_xml(census_return, out, generated_at=datetime(2024, 10, 5, 12, 0))
    return out.getvalue()


def test_the_xml_writer_writes_census_spellings():
    text = written_xml([a_record()], Vacancies(Decimal("2"), Decimal("0.5"), 1)).decode()
    for expected in [
        "<SWENo>SW0000000123</SWENo>",
        "<FTE>0.5</FTE>",
        "<FTE30>1</FTE30>",
        "<WorkingDaysLost>4.50</WorkingDaysLost>",
        "<ContractWeeks>12.0</ContractWeeks>",
        "<StepUpGrad>0</StepUpGrad>",
        "<RoleStartDate>2020-01-06</RoleStartDate>",
        "<QualInst>Birmingham &amp; Solihull &lt;College&gt;</QualInst>",
        "<NumberOfVacancies>2.00</NumberOfVacancies>",
        "<DateTime>2024-10-05T12:00:00</DateTime>",
    ]:
        assert expected in text
    assert "PersonBirthDate" not in text and "Cases30" not in text  # absent, never empty
    assert text.index("<AgencyWorker>") < text.index("<SWENo>") < text.index("<FTE>")


def test_the_xml_writers_output_is_a_clean_return():
    result = parse(written_xml([a_record()], Vacancies(Decimal("2"), Decimal("0.5"), 1)))
    assert result.problems == []


def test_the_csv_writer_writes_census_spellings_and_empty_cells_for_absent_values():
    out = io.StringIO(newline="")
    write_census_csv([a_record()], out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue(), newline=""))
    assert list(row) == list(CENSUS_FIELDS)
    assert row["SWENo"] == "SW0000000123" and row["FTE"] == "0.5" and row["ContractWeeks"] == "12.0"
    assert row["PersonBirthDate"] == "" and row["AgencyWorker"] == "0"


FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd|' /C calc'!A0", "'=already quoted", "''+twice"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_csv_writer_writes_formula_like_text_as_quoted_text_that_reads_back_as_it_was(formula):
    out = io.StringIO(newline="")
    write_census_csv([a_record(qual_inst=formula)], out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue(), newline=""))
    assert row["QualInst"] == "'" + formula
    assert f'"\'{formula}"' in out.getvalue()
    assert parse(out.getvalue().encode()).census_return.records == [a_record(qual_inst=formula)]


def test_no_number_is_written_with_a_sign():
    out = io.StringIO(newline="")
    write_census_csv([a_record(fte=Decimal("-0"), fte30=Decimal("-0.000"), cases30=0)], out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue(), newline=""))
    assert (row["FTE"], row["FTE30"], row["Cases30"]) == ("0", "0", "0")
    assert "<FTE>0</FTE>" in written_xml([a_record(fte=Decimal("-0"))]).decode()


@pytest.mark.parametrize("kind", ["xml", "csv"])
@pytest.mark.parametrize("formula", ['=HYPERLINK("https://attacker.example","Open")', "@SUM(1)", "+1", "-1"])
def test_a_formula_like_free_text_is_a_warning_at_its_record_and_element(kind, formula):
    result = parse(census_file(kind, [OTHER, worker(QualInst=formula)]))
    assert [(p.location, p.field, p.value, p.code, p.severity) for p in result.problems] == [
        (SECOND[kind], "QualInst", formula, "formula_like_text", "warning")
    ]
    assert result.census_return.records[1].qual_inst == formula


def test_the_writers_refuse_a_record_without_a_required_value():
    with pytest.raises(ValueError, match="SWENo"):
        written_xml([a_record(swe_number=None)])
    with pytest.raises(ValueError, match="AgencyWorker"):
        write_census_csv([a_record(agency_worker=None)], io.StringIO())


def test_the_writers_refuse_a_value_they_cannot_write_exactly():
    with pytest.raises(ValueError, match="decimal places"):
        written_xml([a_record(fte=Decimal("0.1234567"))])


def optional(strategy):
    return st.none() | strategy


def decimals(places, largest):
    return st.integers(0, largest * 10**places).map(lambda n: Decimal(n).scaleb(-places))


def codes_of(element):
    return st.sampled_from(sorted(CENSUS_FIELDS[element].codes))


flags = st.booleans()
dates = st.dates(date(1900, 1, 1), date(2100, 12, 31))
institution_names = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff"),
    min_size=1,
    max_size=100,
).filter(lambda name: name == name.strip())
# What a spreadsheet would run, quoted or not, so the CSV writer's quote is read back off exactly.
formula_like_names = (
    st.tuples(st.sampled_from(["=", "+", "-", "@", "'=", "''@", "'"]), institution_names)
    .map(lambda parts: (parts[0] + parts[1])[:100])
    .filter(lambda name: name == name.strip())
)

census_records = st.builds(
    CensusRecord,
    agency_worker=flags,
    swe_number=st.integers(1, 10**10 - 1).map(lambda number: f"SW{number}"),
    fte=optional(decimals(6, 1)),
    birth_date=optional(dates),
    gender=optional(codes_of("GenderCurrent")),
    ethnicity=optional(codes_of("Ethnicity")),
    qual_inst=optional(institution_names | formula_like_names),
    qual_level=optional(codes_of("QualLevel")),
    step_up_grad=optional(flags),
    org_role=optional(codes_of("OrgRole")),
    role_start_date=dates,
    start_origin=optional(codes_of("StartOrigin")),
    role_end_date=optional(dates),
    leaver_destination=optional(codes_of("LeaverDestination")),
    reason_leave=optional(codes_of("ReasonLeave")),
    fte30=optional(decimals(6, 1)),
    cases30=optional(st.integers(0, 500)),
    working_days_lost=optional(decimals(2, 366)),
    contract_weeks=optional(decimals(1, 200)),
    frontline_grad=optional(flags),
    absent_30_sept=optional(flags),
    reason_absence=optional(codes_of("ReasonAbsence")),
    kss_status=optional(codes_of("CFKSSstatus")),
)
vacancy_blocks = optional(st.builds(Vacancies, decimals(2, 500), decimals(2, 500), st.integers(0, 500)))


@settings(max_examples=150)
@given(st.lists(census_records, max_size=6), vacancy_blocks)
def test_xml_written_reads_back_as_the_same_records(records, vacancies):
    result = parse(written_xml(records, vacancies))
    assert result.census_return.records == records
    assert result.census_return.vacancies == vacancies
    assert "malformed_xml" not in codes(result)


@settings(max_examples=150)
@given(st.lists(census_records, max_size=6))
def test_csv_written_reads_back_as_the_same_records(records):
    out = io.StringIO(newline="")
    assert write_census_csv(records, out) == len(records)
    result = parse(out.getvalue().encode())
    assert result.census_return.records == records
