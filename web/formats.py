"""How the pages write dates, numbers and the API's codes for people."""

from datetime import date, datetime


def long_date(value: str | date | None) -> str:
    """'2025-09-30' as '30 September 2025', the GOV.UK style; empty for none."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)
    elif isinstance(value, datetime):
        value = value.date()
    return f"{value.day} {value:%B %Y}"


def words(code: str | None) -> str:
    """An API code ('advanced_practitioner', 'in_progress') as words: 'Advanced practitioner'."""
    if not code:
        return ""
    text = str(code).replace("_", " ")
    return text[:1].upper() + text[1:]


def number(value: float | int | str | None, places: int = 1) -> str:
    if value is None or value == "":
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)  # not a number after all: as the API wrote it
    if number.is_integer() and places == 0:
        return f"{int(number):,}"
    return f"{number:,.{places}f}"


# The careers API's evidence kinds, as people say them.
EVIDENCE_KINDS = {
    "reflective_account": "Reflective account",
    "service_user_feedback": "Feedback from people who use services",
    "manager_endorsement": "Manager's endorsement",
    "asye_certificate": "ASYE certificate",
    "kss_assessment": "Knowledge and skills statement assessment",
}


def evidence_kind(code: str | None) -> str:
    return EVIDENCE_KINDS.get(code or "", words(code))


FILTERS = {"long_date": long_date, "words": words, "number": number, "evidence_kind": evidence_kind}
