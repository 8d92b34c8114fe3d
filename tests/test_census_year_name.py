"""One name for the census year across the public API: `census_year`, and `from_census_year` and
`to_census_year` for a series, in every query parameter, request body and response of every app."""

import json

from futuresocial.cli import openapi_documents

OTHER_NAMES = {"year", "from_year", "to_year"}
# Social Work England's registration year (1 December to 30 November) in careers is not a census year.
REGISTRATION_YEAR = {("careers", "parameter year"), ("careers", "RegistrationYearCheck.year")}


def _names(document: dict):
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                yield f"parameter {parameter['name']}", parameter["name"]
    for schema_name, schema in document.get("components", {}).get("schemas", {}).items():
        for name in schema.get("properties", {}):
            yield f"{schema_name}.{name}", name


def test_no_parameter_or_field_calls_the_census_year_by_another_name():
    others = sorted(
        (app, where)
        for app, text in openapi_documents().items()
        for where, name in _names(json.loads(text))
        if name in OTHER_NAMES and (app, where) not in REGISTRATION_YEAR
    )
    assert others == []


def test_the_census_year_is_asked_for_and_answered_as_census_year():
    documents = {app: json.loads(text) for app, text in openapi_documents().items()}
    analytics, placements = documents["analytics"], documents["placements"]
    for path in (
        "/v1/analytics/retention",
        "/v1/analytics/movements",
        "/v1/analytics/benchmarks",
        "/v1/analytics/rankings",
    ):
        assert "census_year" in [p["name"] for p in analytics["paths"][path]["get"]["parameters"]]
    workforce = [p["name"] for p in analytics["paths"]["/v1/analytics/workforce"]["get"]["parameters"]]
    assert {"census_year", "from_census_year", "to_census_year"} <= set(workforce)
    assert "census_year" in [p["name"] for p in placements["paths"]["/v1/placements/movements"]["get"]["parameters"]]
    series = [p["name"] for p in analytics["paths"]["/v1/analytics/rankings/series"]["get"]["parameters"]]
    assert {"from_census_year", "to_census_year"} <= set(series)
    for schema in ("WorkforceArea", "RetentionReport", "MovementReport", "BenchmarkReport", "ExtractRequest",
                   "RankingReport", "RankPoint", "ProjectionYear"):  # fmt: skip
        assert "census_year" in analytics["components"]["schemas"][schema]["properties"], schema
    assert "census_year" in placements["components"]["schemas"]["MovementReport"]["properties"]
