"""Charts of the measures as SVG, drawn by pygal: a council's turnover against its region and England."""

from datetime import date
from decimal import Decimal

import pygal
from pygal.style import Style
from sqlmodel import Session

from services.analytics import access
from services.analytics.census_years import MOST_YEARS, CensusYears
from services.analytics.measures import published
from services.analytics.measures.areas import workforce_areas
from services.analytics.measures.schemas import RankSeries
from services.analytics.projections.schemas import ProjectionReport
from services.analytics.retention.schemas import RetentionCurveReport
from services.analytics.workforce import tables
from services.common.auth import Principal, Role
from services.common.errors import NotFound
from services.common.reference import ENGLAND

MEASURE = "turnover_rate_fte"
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1d1d1b",
    foreground_strong="#1d1d1b",
    foreground_subtle="#6f777b",
    colors=("#1d70b8", "#f47738", "#505a5f"),  # council, region, England: distinct in grey scale too
    font_family="Arial, Helvetica, sans-serif",
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=12,
    stroke_width=2.5,
)


def _percent(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def turnover_chart(
    session: Session,
    principal: Principal,
    council: str,
    asked: CensusYears,
    today: date,
) -> bytes:
    """The council's turnover_rate_fte from its records against its region and England as the DfE published
    them, for each census year, as SVG.

    A council's HR may chart its own council only (another answers 404). A year with no figure (no records,
    a zero denominator, or not published) is a gap in its line, and the chart says so underneath."""
    access.require_reader(principal)
    known = tables.councils(session)
    if council not in known or (principal.role is Role.council_hr and council != principal.council):
        raise NotFound(f"No council {council}.")
    first = last = None
    if asked.from_census_year is None or asked.to_census_year is None:
        held = tables.census_years_held(session, council)
        if not held:
            raise NotFound(f"No census records for council {council}; give from_census_year and to_census_year.")
        first, last = held[0], held[-1]
    years = asked.series(first, last, most=MOST_YEARS)
    areas = workforce_areas(session, principal, years, council, today=today)  # a 404 when no year has records
    region = known[council].region_code
    series: dict[str, dict[int, Decimal | None]] = {
        "council": {area.census_year: getattr(area, MEASURE) for area in areas if area.level == "council"},
        "region": {year: published.figure(year, region, MEASURE).value for year in years},
        "national": {year: published.figure(year, ENGLAND, MEASURE).value for year in years},
    }
    names = {"council": known[council].name, "region": known[council].region_name}
    return render_turnover(years, names, series)


def render_turnover(years: list[int], names: dict[str, str], series: dict[str, dict[int, Decimal | None]]) -> bytes:
    """The line chart itself: one line per level (council, region, national), a gap where null."""
    gaps = [str(year) for year in years if series["council"].get(year) is None]
    unpublished = [str(year) for year in years if series["national"].get(year) is None]
    chart = pygal.Line(
        style=STYLE,
        width=900,
        height=520,
        explicit_size=True,
        js=[],  # no script fetched from elsewhere: the SVG is a picture, readable offline
        title=f"Social worker turnover (FTE): {names['council']} against {names['region']} and England, "
        f"{years[0]} to {years[-1]}",
        x_title="Census year (12 months to 30 September)"
        + (f"; no figure for {names['council']} in {', '.join(gaps)}" if gaps else "")
        + (f"; not yet published by the DfE: {', '.join(unpublished)}" if unpublished else ""),
        y_title="Turnover rate, FTE (%)",
        x_labels=[str(year) for year in years],
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        truncate_legend=-1,
        truncate_label=-1,
        include_x_axis=True,
        show_y_guides=True,
        dots_size=4,
        value_formatter=lambda value: f"{value:.1f}%",
        no_data_text="No turnover figures for these years",
        print_values=True,
        allow_interruptions=True,
        margin_right=40,
    )
    chart.add(names["council"], [_percent(series["council"].get(year)) for year in years], stroke_style={"width": 3})
    # only the council's own rates are printed on the chart; the others' are in each point's <desc>
    unprinted = {"formatter": lambda value: "", "dots_size": 3}
    chart.add(f"{names['region']} (DfE)", [_percent(series["region"].get(year)) for year in years], **unprinted)
    # dashed, so a region line under it (a region that is all of England's records) still shows
    dashed = {"stroke_style": {"dasharray": "8, 5", "width": 2.5}}
    chart.add("England (DfE)", [_percent(series["national"].get(year)) for year in years], **unprinted, **dashed)
    return chart.render()


def _chart(kind, title: str, x_title: str, y_title: str, **options):
    """A chart in the house style: readable offline (no script fetched), legend below, nothing truncated."""
    return kind(
        style=STYLE, width=900, height=520, explicit_size=True, js=[], title=title, x_title=x_title, y_title=y_title,
        legend_at_bottom=True, legend_at_bottom_columns=3, truncate_legend=-1, truncate_label=-1, show_y_guides=True,
        allow_interruptions=True, margin_right=40, **options,
    )  # fmt: skip


BAND_LINE = {"stroke_style": {"dasharray": "6, 4", "width": 1.5}, "show_dots": False}


def render_rank(series: RankSeries) -> bytes:
    """The area's rank in each census year, 1 at the top; its computed figure's rank beside, where there is one."""
    years = [point.census_year for point in series.points]
    out_of = max((point.out_of for point in series.points), default=0)
    chart = _chart(
        pygal.Line,
        f"{series.name}: rank among England's {series.level}s on {series.measure} (1 = lowest), "
        f"{years[0]} to {years[-1]}",
        f"Census year (12 months to 30 September); {series.direction}",
        f"Rank (of up to {out_of})",
        x_labels=[str(year) for year in years],
        inverse_y_axis=True,
        print_values=True,
        dots_size=4,
        value_formatter=lambda value: f"{value:.0f}",
        no_data_text="No published ranks for these years",
    )
    chart.add(f"{series.name} (DfE published)", [point.rank for point in series.points], stroke_style={"width": 3})
    computed = [point.computed.rank if point.computed else None for point in series.points]
    if any(rank is not None for rank in computed):
        chart.add(f"{series.name} (computed from records)", computed, formatter=lambda value: "", **BAND_LINE)
    return chart.render()


GRID_YEARS = 1 / 24  # a chart draws each curve every half month: the same picture, a bounded number of points


def _on_grid(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A step function read every GRID_YEARS up to its last time: the value holds until the next time."""
    if not points:
        return []
    drawn, index, last = [], 0, points[-1][0]
    for tick in range(int(last / GRID_YEARS) + 1):
        t = tick * GRID_YEARS
        while index + 1 < len(points) and points[index + 1][0] <= t:
            index += 1
        drawn.append((t, points[index][1]))
    drawn.append(points[-1])
    return drawn


def render_retention_curves(report: RetentionCurveReport) -> bytes:
    """Each curve with its confidence band as dashed lines of the same colour, read every half month."""
    chart = _chart(
        pygal.XY,
        f"Still in post t years after starting: {report.name}, permanent social workers who started from "
        f"{report.data_from:%-d %B %Y}",
        "Years since starting",
        f"Share still in post (Kaplan-Meier, {report.confidence:.0%} band)",
        range=(0, 1),
        dots_size=0,
        value_formatter=lambda value: f"{value:.0%}",
        x_value_formatter=lambda value: f"{value:.1f}",
        no_data_text="No starters in these records",
    )
    chart.config.style = Style(**{**STYLE.to_dict(), "colors": ("#1d70b8", "#1d70b8", "#1d70b8", "#f47738",
                                                                "#f47738", "#f47738")})  # fmt: skip
    for curve in report.curves:
        name = "with the council" if curve.stay == "council" else "in the region"
        chart.add(
            f"Staying {name}",
            _on_grid([(p.years, p.survival) for p in curve.points]),
            stroke_style={"width": 3},
            show_dots=False,
        )
        chart.add(f"{name}: lower", _on_grid([(p.years, p.lower) for p in curve.points]), **BAND_LINE)
        chart.add(f"{name}: upper", _on_grid([(p.years, p.upper) for p in curve.points]), **BAND_LINE)
    return chart.render()


def render_projection(report: ProjectionReport, code: str, measure: str) -> bytes:
    """The area's in-post headcount or FTE from the base year, projected, with its band as dashed lines."""
    area = next(area for area in report.areas if area.code == code)
    years = [report.base_census_year, *(year.census_year for year in area.years)]
    now = float(getattr(area, f"inpost_{measure}"))

    def line(suffix: str) -> list[float]:
        return [now, *(float(getattr(year, f"inpost_{measure}{suffix}")) for year in area.years)]

    unit = "FTE" if measure == "fte" else "headcount"
    chart = _chart(
        pygal.Line,
        f"Social workers in post ({unit}): {area.name}, {years[0]} and projected to {years[-1]}",
        f"Census year (30 September); from the flows of {', '.join(map(str, report.history_census_years))}",
        f"In post ({unit})",
        x_labels=[str(year) for year in years],
        dots_size=3,
        value_formatter=lambda value: f"{value:,.1f}",
    )
    chart.config.style = Style(**{**STYLE.to_dict(), "colors": ("#1d70b8", "#505a5f", "#505a5f")})
    chart.add("Projected (central)", line(""), stroke_style={"width": 3})
    chart.add("Lower (past years' flows)", line("_lower"), **BAND_LINE)
    chart.add("Upper (past years' flows)", line("_upper"), **BAND_LINE)
    return chart.render()
