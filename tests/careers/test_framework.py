"""The framework as data: seeded by the migration, read by every role with the careers scope, edited by
academy staff only; and councils' local grades, each council its own."""

import pytest

from tests.careers.conftest import BIRMINGHAM, CAREERS, COVENTRY, academy_admin, council_hr, social_worker
from tests.conftest import bearer

FRAMEWORK = f"{CAREERS}/framework"


def test_the_seeded_framework_has_the_pcf_levels_in_order_with_pathways_and_requirements(careers):
    framework = careers.get(FRAMEWORK, headers=social_worker()).json()
    assert [(level["code"], level["rank"]) for level in framework["levels"]] == [
        ("student", 1),
        ("asye", 2),
        ("social_worker", 3),
        ("experienced", 4),
        ("advanced", 5),
        ("strategic", 6),
    ]
    advanced = framework["levels"][4]
    assert [p["code"] for p in advanced["pathways"]] == ["educator", "manager", "practitioner"]
    assert {(r["pathway"], r["how_reached"]) for r in advanced["requirements"]} == {
        ("practitioner", "panel"),
        ("educator", "panel"),
        ("manager", "recruitment"),
    }
    experienced = framework["levels"][3]["requirements"][0]
    assert experienced["min_pq_years"] == "2.0"
    assert experienced["evidence_kinds"] == [
        "reflective_account",
        "service_user_feedback",
        "manager_endorsement",
    ]
    assert framework["levels"][2]["requirements"][0]["how_reached"] == "automatic"
    assert [d["code"] for d in framework["pcf_domains"]] == [
        "professionalism",
        "values_and_ethics",
        "diversity_and_equality",
        "rights_justice_and_economic_wellbeing",
        "knowledge",
        "critical_reflection_and_analysis",
        "skills_and_interventions",
        "contexts_and_organisations",
        "professional_leadership",
    ]
    assert {(k["code"], k["level"]) for k in framework["kss_standards"]} == {
        ("child_and_family_practitioners", "social_worker"),
        ("practice_supervisors", "advanced"),
        ("practice_leaders", "strategic"),
    }
    assert "asye_certificate" in framework["evidence_kinds"]


@pytest.mark.parametrize("role", ["social_worker", "council_hr", "academy_admin", "service"])
def test_every_role_with_the_careers_scope_reads_the_framework(careers, role):
    headers = bearer(role, council=BIRMINGHAM if role == "council_hr" else None, worker="SW1")
    assert careers.get(FRAMEWORK, headers=headers).status_code == 200


def test_a_token_without_the_careers_scope_reads_nothing(careers):
    assert careers.get(FRAMEWORK, headers=bearer("dfe")).status_code == 403
    assert careers.get(FRAMEWORK).status_code == 401


def test_academy_staff_change_a_requirement_and_next_steps_follow_it(careers, employ, start_record):
    framework = careers.get(FRAMEWORK, headers=academy_admin()).json()
    experienced = framework["levels"][3]["requirements"][0]
    change = {"min_pq_years": "3", "min_cpd_hours": "10", "evidence_kinds": ["reflective_account"]}
    response = careers.patch(f"{CAREERS}/requirements/{experienced['id']}", json=change, headers=academy_admin())
    assert response.status_code == 200, response.text
    assert (response.json()["min_pq_years"], response.json()["evidence_kinds"]) == (
        "3.0",
        ["reflective_account"],
    )

    employ("SW900001", BIRMINGHAM, "2024-01-01")
    start_record()
    option = careers.get(f"{CAREERS}/me/next-step", headers=social_worker("SW900001")).json()["options"][0]
    assert [(r["requirement"], r["required"]) for r in option["requirements"]] == [
        ("post_qualifying_years", "3.0"),
        ("cpd_hours_last_12_months", "10.0"),
        ("evidence", None),
    ]


def test_only_academy_staff_edit_the_framework(careers):
    level = {"code": "consultant", "name": "Consultant social worker", "rank": 5}
    assert careers.post(f"{CAREERS}/levels", json=level, headers=council_hr()).status_code == 403
    assert careers.post(f"{CAREERS}/levels", json=level, headers=social_worker()).status_code == 403
    created = careers.post(f"{CAREERS}/levels", json=level, headers=academy_admin())
    assert created.status_code == 201
    assert careers.post(f"{CAREERS}/levels", json=level, headers=academy_admin()).status_code == 409

    pathway = careers.post(
        f"{CAREERS}/levels/{created.json()['id']}/pathways",
        json={"code": "court", "name": "Court work"},
        headers=academy_admin(),
    )
    assert pathway.status_code == 201
    requirement = {
        "level": "consultant",
        "pathway": "court",
        "min_pq_years": "6",
        "min_cpd_hours": "40",
        "evidence_kinds": ["kss_assessment"],
        "how_reached": "panel",
    }
    assert careers.post(f"{CAREERS}/requirements", json=requirement, headers=academy_admin()).status_code == 201
    assert careers.post(f"{CAREERS}/requirements", json=requirement, headers=academy_admin()).status_code == 409
    bad = {**requirement, "evidence_kinds": ["horoscope"]}
    assert careers.post(f"{CAREERS}/requirements", json=bad, headers=academy_admin()).status_code == 422

    levels = careers.get(FRAMEWORK, headers=social_worker()).json()["levels"]
    consultant = next(level for level in levels if level["code"] == "consultant")
    assert consultant["pathways"][0]["code"] == "court"
    assert consultant["requirements"][0]["how_reached"] == "panel"


def test_academy_staff_add_and_rename_pcf_domains_and_kss_standards(careers):
    domain = careers.post(
        f"{CAREERS}/pcf-domains",
        json={"code": "research", "name": "Research", "position": 10},
        headers=academy_admin(),
    )
    assert domain.status_code == 201
    renamed = careers.patch(
        f"{CAREERS}/pcf-domains/{domain.json()['id']}",
        json={"name": "Research mindedness"},
        headers=academy_admin(),
    )
    assert renamed.json()["name"] == "Research mindedness"
    standard = careers.post(
        f"{CAREERS}/kss-standards",
        json={"code": "x", "name": "X", "level": "nowhere"},
        headers=academy_admin(),
    )
    assert standard.status_code == 422
    standard = careers.post(
        f"{CAREERS}/kss-standards",
        json={"code": "x", "name": "X", "level": "experienced"},
        headers=academy_admin(),
    )
    assert standard.status_code == 201 and standard.json()["level"] == "experienced"
    assert (
        careers.patch(
            f"{CAREERS}/kss-standards/{standard.json()['id']}", json={"name": "Y"}, headers=council_hr()
        ).status_code
        == 403
    )


def test_a_council_maps_its_own_grades_and_not_anothers(careers):
    grade = {"name": "Senior Practitioner", "level": "experienced"}
    mine = careers.post(f"{CAREERS}/local-grades", json=grade, headers=council_hr(BIRMINGHAM))
    assert mine.status_code == 201
    assert mine.json()["council"] == BIRMINGHAM
    assert careers.post(f"{CAREERS}/local-grades", json=grade, headers=council_hr(BIRMINGHAM)).status_code == 409
    theirs = {**grade, "council": COVENTRY}
    assert careers.post(f"{CAREERS}/local-grades", json=theirs, headers=council_hr(BIRMINGHAM)).status_code == 403
    assert careers.post(f"{CAREERS}/local-grades", json=theirs, headers=academy_admin()).status_code == 201
    assert careers.post(f"{CAREERS}/local-grades", json=grade, headers=academy_admin()).status_code == 422

    url = f"{CAREERS}/local-grades/{mine.json()['id']}"
    assert careers.patch(url, json={"name": "Senior SW"}, headers=council_hr(COVENTRY)).status_code == 404
    assert careers.delete(url, headers=council_hr(COVENTRY)).status_code == 404
    changed = careers.patch(url, json={"level": "advanced", "pathway": "practitioner"}, headers=council_hr(BIRMINGHAM))
    assert (changed.json()["level"], changed.json()["pathway"]) == ("advanced", "practitioner")

    listed = careers.get(f"{CAREERS}/local-grades", params={"council": BIRMINGHAM}, headers=social_worker()).json()
    assert [(g["name"], g["level"]) for g in listed["items"]] == [("Senior Practitioner", "advanced")]
    assert careers.delete(url, headers=council_hr(BIRMINGHAM)).status_code == 204


def test_a_grade_for_a_council_outside_the_academy_is_refused(careers):
    body = {"council": "888", "name": "Senior", "level": "experienced"}
    response = careers.post(f"{CAREERS}/local-grades", json=body, headers=academy_admin())
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "unknown_council"


def test_a_change_may_clear_what_may_be_empty_and_refuses_null_for_what_may_not(careers):
    domain = careers.post(
        f"{CAREERS}/pcf-domains",
        json={"code": "ethics", "name": "Ethics", "position": 11, "description": "Values and ethics"},
        headers=academy_admin(),
    ).json()
    url = f"{CAREERS}/pcf-domains/{domain['id']}"
    refused = careers.patch(url, json={"name": None, "description": None}, headers=academy_admin())
    assert refused.status_code == 422
    assert [(e["loc"], e["code"]) for e in refused.json()["errors"]] == [(["body", "name"], "null_not_allowed")]
    cleared = careers.patch(url, json={"description": None}, headers=academy_admin())
    assert cleared.status_code == 200
    assert (cleared.json()["name"], cleared.json()["description"]) == ("Ethics", None)
