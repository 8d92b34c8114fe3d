"""Return to Social Work: the public page about the programme and its enquiry form; no sign-in needed."""

import re

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from web.api import ApiProblem, post_public
from web.forms import CheckedForm, FormErrors, value
from web.templating import render

router = APIRouter()

# EnquiryCreate's own rules (openapi/returners.json), checked here first so that a person hears of a mistake
# beside the field, and the API's refusal remains for what only it knows.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9 +()-]{6,32}$")
FIELDS = {"name": "name", "email": "email", "phone": "phone", "region": "region", "consent": "consent"}
TOO_MANY = "There have been too many enquiries from here or for this email address. Try again tomorrow"


def checked_enquiry(form: dict[str, str]) -> tuple[dict, FormErrors]:
    """The enquiry as the API takes it, and what is wrong with the answers (nothing: ready to send)."""
    enquiry = {
        "name": value(form, "name"),
        "email": value(form, "email"),
        "phone": value(form, "phone"),
        "region": value(form, "region"),
        "consent": form.get("consent") == "yes",
    }
    errors = FormErrors()
    if not enquiry["name"]:
        errors.add("name", "Enter your full name")
    elif len(enquiry["name"]) > 200:
        errors.add("name", "Your name must be 200 characters or fewer")
    if not enquiry["email"]:
        errors.add("email", "Enter your email address")
    elif len(enquiry["email"]) > 254 or not EMAIL.match(enquiry["email"]):
        errors.add("email", "Enter an email address in the correct format, like name@example.com")
    if enquiry["phone"] and not PHONE.match(enquiry["phone"]):
        errors.add("phone", "Enter a telephone number, like 01632 960 001 or +44 7700 900 982")
    if enquiry["region"] and len(enquiry["region"]) > 60:
        errors.add("region", "Where you would like to work must be 60 characters or fewer")
    if not enquiry["consent"]:
        errors.add("consent", "Confirm that the academy may keep your details and contact you")
    return enquiry, errors


@router.get("/return-to-social-work")
async def return_to_social_work(request: Request) -> Response:
    return render(request, "pages/return_to_social_work.html", form={})


@router.post("/return-to-social-work")
async def enquire(request: Request, form: CheckedForm) -> Response:
    enquiry, errors = checked_enquiry(form)
    status = 400
    if not errors:
        try:
            client, request_id = request.app.state.api_client, request.state.request_id
            await post_public(client, "/v1/returners/enquiries", enquiry, request_id)
        except ApiProblem as refused:
            if refused.status == 429:
                errors.add("email", TOO_MANY)
            elif 400 <= refused.status < 500:
                errors = FormErrors.from_problem(refused, FIELDS, "name")
            else:
                raise
            status = refused.status
        else:
            return RedirectResponse("/return-to-social-work/enquiry-sent", status_code=303)
    return render(request, "pages/return_to_social_work.html", status, errors=errors, form=form)


@router.get("/return-to-social-work/enquiry-sent")
async def enquiry_sent(request: Request) -> Response:
    return render(request, "pages/enquiry_sent.html")
