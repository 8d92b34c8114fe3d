"""The CPD pages, through the real platform: a social worker logs, changes and deletes CPD for their registration
year and sees the year's check change; bad dates and the API's own refusals come back in the error summary with
nothing changed; another worker's record is a page that does not exist; a form without its token does nothing."""

from datetime import date, timedelta
from decimal import Decimal

import httpx

from tests.e2e.journeys import Setup, SocialWorker
from tests.web.visitor import Visitor, text_of, title_of

CPD = "/v1/careers/me/cpd"


def registration_year(day: date) -> int:
    return day.year + 1 if day.month == 12 else day.year


def records_of(setup: Setup, worker: SocialWorker, year: int | None = None) -> list[dict]:
    params = {"limit": 500} | ({"year": year} if year else {})
    answer = httpx.get(f"{setup.gateway}{CPD}", headers=worker.headers, params=params, timeout=30)
    answer.raise_for_status()
    return answer.json()["items"]


def date_fields(day: date) -> dict[str, str]:
    return {"activity_on-day": str(day.day), "activity_on-month": str(day.month), "activity_on-year": str(day.year)}


def record_fields(title: str, day: date, **more: str) -> dict[str, str]:
    return {"title": title, "kind": "course", "hours": "2.5", **date_fields(day), **more}


def test_social_worker_logs_changes_and_deletes_cpd_and_sees_the_years_check_change(
    signed_in: Visitor, setup: Setup, social_worker: SocialWorker
) -> None:
    today = date.today()
    before = text_of(signed_in.get("/cpd").text)
    assert "CPD records 0 of" in before
    assert "Records with peer reflection 0 of" in before
    assert f"What is missing 2 more CPD records dated by 30 November {registration_year(today)}" in before

    added = signed_in.post(
        "/cpd/new", record_fields("Safeguarding refresher", today, peer_reflection="yes"), from_page="/cpd/new"
    )
    assert added.status_code == 303
    page = signed_in.follow(added).text
    assert "CPD record added" in page
    shown = text_of(page)
    assert "Safeguarding refresher" in shown
    assert "CPD records 1 of" in shown
    assert "Records with peer reflection 1 of" in shown

    [record] = records_of(setup, social_worker)
    assert (record["title"], Decimal(record["hours"]), record["peer_reflection"]) == (
        "Safeguarding refresher",
        2.5,
        True,
    )

    form = signed_in.get(f"/cpd/{record['id']}/change").text
    assert 'value="Safeguarding refresher"' in form
    changed = signed_in.post(f"/cpd/{record['id']}/change", record_fields("Safeguarding update", today, hours="3"))
    assert changed.status_code == 303
    shown = text_of(signed_in.follow(changed).text)
    assert "CPD record changed" in shown
    assert "Safeguarding update" in shown
    assert "Records with peer reflection 0 of" in shown  # the box was left unticked
    [record] = records_of(setup, social_worker)
    assert (record["title"], Decimal(record["hours"]), record["peer_reflection"]) == ("Safeguarding update", 3, False)

    confirm = signed_in.get(f"/cpd/{record['id']}/delete")
    assert title_of(confirm.text).startswith("Are you sure you want to delete this CPD record?")
    assert "Safeguarding update" in text_of(confirm.text)
    deleted = signed_in.post(f"/cpd/{record['id']}/delete")
    assert deleted.status_code == 303
    shown = text_of(signed_in.follow(deleted).text)
    assert "CPD record deleted" in shown
    assert "Safeguarding update" not in shown
    assert "CPD records 0 of" in shown
    assert records_of(setup, social_worker) == []


def test_a_record_in_an_earlier_registration_year_is_shown_under_that_year(
    signed_in: Visitor, setup: Setup, social_worker: SocialWorker
) -> None:
    last_year = date.today() - timedelta(days=366)
    added = signed_in.post("/cpd/new", record_fields("Court skills", last_year), from_page="/cpd/new")
    assert added.status_code == 303
    year = registration_year(last_year)
    assert added.headers["location"] == f"/cpd?year={year}"
    shown = text_of(signed_in.follow(added).text)
    assert f"30 November {year}" in shown
    assert "Court skills" in shown
    assert "Court skills" not in text_of(signed_in.get("/cpd").text)
    this_year = registration_year(date.today())
    for asked in ("abc", "1999", str(this_year)):  # anything but a year the API keeps: this year
        shown = text_of(signed_in.get(f"/cpd?year={asked}").text)
        assert f"Registration year 1 December {this_year - 1} to 30 November {this_year} Status" in shown
    assert [item["title"] for item in records_of(setup, social_worker, year)] == ["Court skills"]


BAD_ANSWERS = [
    (
        {"activity_on-day": "31", "activity_on-month": "2"},
        "The date of the activity must be a real date",
        "activity_on-day",
    ),
    (
        {"activity_on-day": "", "activity_on-month": "", "activity_on-year": ""},
        "Enter the date of the activity",
        "activity_on-day",
    ),
    ({"activity_on-year": ""}, "The date of the activity must include a year", "activity_on-year"),
    ({"hours": "two"}, "Hours must be a number, like 1.5", "hours"),
    ({"title": ""}, "Enter what the activity was", "title"),
]


def assert_refused(answer: httpx.Response, status: int, heading: str, message: str, field_id: str) -> None:
    assert answer.status_code == status, text_of(answer.text)
    assert title_of(answer.text).startswith(f"Error: {heading}")
    assert "There is a problem" in answer.text
    assert f'href="#{field_id}"' in answer.text
    assert message in text_of(answer.text)


def test_bad_answers_and_the_apis_refusals_show_the_error_summary_and_change_nothing(
    signed_in: Visitor, setup: Setup, social_worker: SocialWorker
) -> None:
    today = date.today()
    for fields, message, field_id in BAD_ANSWERS:
        answer = signed_in.post("/cpd/new", record_fields("Reading", today) | fields, from_page="/cpd/new")
        assert_refused(answer, 400, "Add a CPD record", message, field_id)
        assert '<option value="course" selected>' in answer.text  # what was chosen is kept
    # The API's own rule: no CPD dated after today.
    tomorrow = today + timedelta(days=1)
    answer = signed_in.post("/cpd/new", record_fields("Reading", tomorrow), from_page="/cpd/new")
    assert_refused(answer, 422, "Add a CPD record", "A CPD activity cannot be dated after today", "activity_on-day")
    assert records_of(setup, social_worker) == []

    signed_in.post("/cpd/new", record_fields("Reading", today), from_page="/cpd/new")
    [record] = records_of(setup, social_worker)
    change = f"/cpd/{record['id']}/change"
    answer = signed_in.post(change, record_fields("Rereading", today) | {"activity_on-month": "13"}, from_page=change)
    assert_refused(
        answer, 400, "Change a CPD record", "The date of the activity must be a real date", "activity_on-day"
    )
    answer = signed_in.post(change, record_fields("Rereading", tomorrow), from_page=change)
    assert_refused(answer, 422, "Change a CPD record", "A CPD activity cannot be dated after today", "activity_on-day")
    assert records_of(setup, social_worker) == [record]


def test_another_social_workers_record_is_not_found(signed_in: Visitor, setup: Setup) -> None:
    [other] = setup.take(1)
    body = {"title": "Theirs", "kind": "reading", "hours": "1", "activity_on": str(date.today())}
    theirs = httpx.post(f"{setup.gateway}{CPD}", headers=other.headers, json=body, timeout=30).json()
    signed_in.get("/cpd")
    for path in (f"/cpd/{theirs['id']}/change", f"/cpd/{theirs['id']}/delete", "/cpd/not-an-id/change"):
        answer = signed_in.get(path)
        assert answer.status_code == 404
        assert title_of(answer.text).startswith("Page not found")
    signed_in.get("/cpd")
    assert signed_in.post(f"/cpd/{theirs['id']}/delete").status_code == 404
    changed = signed_in.post(f"/cpd/{theirs['id']}/change", record_fields("Mine now", date.today()))
    assert changed.status_code == 404
    assert [(item["id"], item["title"]) for item in records_of(setup, other)] == [(theirs["id"], "Theirs")]


def test_a_form_posted_without_its_token_changes_nothing(
    signed_in: Visitor, setup: Setup, social_worker: SocialWorker
) -> None:
    signed_in.post("/cpd/new", record_fields("Supervision notes", date.today()), from_page="/cpd/new")
    [record] = records_of(setup, social_worker)
    forged = [
        ("/cpd/new", record_fields("Forged", date.today())),
        (f"/cpd/{record['id']}/change", record_fields("Forged", date.today())),
        (f"/cpd/{record['id']}/delete", {}),
    ]
    for path, fields in forged:
        answer = signed_in.http.post(path, data=fields)
        assert answer.status_code == 400
        assert "This form has expired" in text_of(answer.text)
        answer = signed_in.http.post(path, data={"csrf_token": "from-another-session", **fields})
        assert answer.status_code == 400
    assert records_of(setup, social_worker) == [record]
