"""Forms: every POST carries the session's form token (CSRF), checked before anything else is read or sent;
and the API's refusals turned into the GOV.UK error summary and the message beside each field."""

import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import RedirectResponse
from starlette.requests import Request

from web.api import ApiProblem


class CsrfRefused(Exception):
    """A form posted without the token of the session it came from: nothing is done."""


async def checked_form(request: Request) -> dict[str, str]:
    form = await request.form()
    presented = form.get("csrf_token")
    if not isinstance(presented, str) or not secrets.compare_digest(presented, request.state.session.csrf):
        raise CsrfRefused
    return {name: value.strip() for name, value in form.items() if name != "csrf_token" and isinstance(value, str)}


CheckedForm = Annotated[dict[str, str], Depends(checked_form)]


def done(request: Request, flash: str, target: str) -> RedirectResponse:
    """After a form did what it asked: to a page (a GET) that says so once."""
    request.state.session.flash = flash
    return RedirectResponse(target, status_code=303)


@dataclass
class FormErrors:
    """Messages by field id, in the order the summary lists them; `summary` is what govukErrorSummary takes."""

    by_field: dict[str, str] = field(default_factory=dict)

    def add(self, field_id: str, message: str) -> None:
        self.by_field.setdefault(field_id, message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    @property
    def summary(self) -> list[dict[str, str]]:
        return [{"text": message, "href": f"#{field_id}"} for field_id, message in self.by_field.items()]

    def message(self, field_id: str) -> dict[str, str] | None:
        """For a component's errorMessage: None, or {'text': ...}."""
        text = self.by_field.get(field_id)
        return {"text": text} if text else None

    @classmethod
    def from_problem(cls, problem: ApiProblem, fields: dict[str, str], fallback: str) -> "FormErrors":
        """Each of the API's field errors against the form field it came from (`fields` maps the API's name to
        the field's id); a refusal that names no field of the form goes against `fallback`."""
        errors = cls()
        for error in problem.field_errors:
            loc = [part for part in error.get("loc") or [] if part not in ("body", "query", "path")]
            name = str(loc[0]) if loc else ""
            errors.add(fields.get(name, fallback), _sentence(error.get("message", "")))
        if not errors:
            errors.add(fallback, _sentence(str(problem)))  # the problem's detail, or its title
        return errors


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else "Check this answer"


def value(form: dict[str, Any], name: str) -> str | None:
    """A field's answer, or None when it was left empty."""
    answer = form.get(name)
    return answer if answer else None


def date_answer(form: dict[str, Any], name: str, label: str, errors: FormErrors) -> date | None:
    """The GOV.UK date input `name` (fields name-day, name-month, name-year) as a date; None, with the error
    against the field that needs it, when a part is empty or it is not a real date."""
    parts = {part: form.get(f"{name}-{part}", "") for part in ("day", "month", "year")}
    empty = [part for part, answer in parts.items() if not answer]
    if len(empty) == 3:
        errors.add(f"{name}-day", f"Enter {label}")
        return None
    if empty:
        errors.add(f"{name}-{empty[0]}", f"{label[:1].upper()}{label[1:]} must include a {empty[0]}")
        return None
    try:
        if len(parts["year"]) != 4:
            raise ValueError
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        errors.add(f"{name}-day", f"{label[:1].upper()}{label[1:]} must be a real date")
        return None


def date_fields(name: str, value: str | date | None) -> dict[str, str]:
    """A date as the date input's fields, to fill in a form from a record."""
    if not value:
        return {}
    when = date.fromisoformat(value) if isinstance(value, str) else value
    return {f"{name}-day": str(when.day), f"{name}-month": str(when.month), f"{name}-year": str(when.year)}
