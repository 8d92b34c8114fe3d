"""Projections of each member council's and the region's workforce in post: a stock-and-flow model whose
states are the member councils and "out of the region", driven by recent leaver rates, the movement matrix
and starters from outside the region (docs/projections.md says how, and what it assumes).

The model is plain functions of the rates (a unit test can call them with no database); the rates come from
the census totals and the moves of the most recent census years held (projections/report.py).
"""

from dataclasses import dataclass, field

Stock = dict[str, float]


@dataclass
class Rates:
    """One year's flows as rates of the opening stock, per council, for headcount or FTE.

    leave: the share of the opening stock that left (moves to other member councils included); move[(a, b)]:
    the share of a's opening stock that moved to b; external: starters from outside the region, a number."""

    leave: dict[str, float] = field(default_factory=dict)
    move: dict[tuple[str, str], float] = field(default_factory=dict)
    external: dict[str, float] = field(default_factory=dict)


def step(stock: Stock, rates: Rates, external: Stock | None = None) -> Stock:
    """One year on: each council keeps (1 - leave) of its stock, gains the moves from the others and its
    starters from outside (`external`, by default the rates' own)."""
    arriving = rates.external if external is None else external
    after = {code: held * (1 - rates.leave.get(code, 0.0)) + arriving.get(code, 0.0) for code, held in stock.items()}
    for (origin, destination), share in rates.move.items():
        if origin in stock and destination in after:
            after[destination] += stock[origin] * share
    return after


def project(stock: Stock, rates: Rates, years: int, external: list[Stock] | None = None) -> list[Stock]:
    """The stock at the end of each of `years` years (starters from outside per year in `external`, if given)."""
    path = []
    for year in range(years):
        stock = step(stock, rates, None if external is None else external[year])
        path.append(stock)
    return path


def starters_needed(start: Stock, targets: list[Stock], rates: Rates) -> list[Stock]:
    """Starters from outside the region each council needs each year so that its stock is exactly its target
    at the year's end, every council following its own targets (moves between them included)."""
    needed, stock = [], start
    for target in targets:
        without = step(stock, rates, {})
        needed.append({code: target[code] - without[code] for code in target})
        stock = target
    return needed


def mean_rates(years: list[Rates]) -> Rates:
    """Each council's rates averaged over the years it has records (a year with an opening stock): a move
    from it that a year did not see counts as none that year."""
    leave: dict[str, list[float]] = {}
    external: dict[str, list[float]] = {}
    moved: dict[tuple[str, str], float] = {}
    for rates in years:
        for code, share in rates.leave.items():
            leave.setdefault(code, []).append(share)
        for code, people in rates.external.items():
            external.setdefault(code, []).append(people)
        for key, share in rates.move.items():
            moved[key] = moved.get(key, 0.0) + share
    return Rates(
        leave={code: sum(found) / len(found) for code, found in leave.items()},
        move={key: total / len(leave[key[0]]) for key, total in moved.items()},
        external={code: sum(found) / len(found) for code, found in external.items()},
    )


def rates_of_year(inpost: Stock, starters: Stock, leavers: Stock, moves: dict[tuple[str, str], float]) -> Rates:
    """A census year's rates: the opening stock is in post at the end less starters plus leavers; a council
    whose opening stock is nothing has no rates that year."""
    rates = Rates()
    opening = {code: inpost[code] - starters.get(code, 0.0) + leavers.get(code, 0.0) for code in inpost}
    moved_in: Stock = {}
    for (origin, destination), people in moves.items():
        moved_in[destination] = moved_in.get(destination, 0.0) + people
        if opening.get(origin, 0.0) > 0:
            rates.move[(origin, destination)] = people / opening[origin]
    for code, held in opening.items():
        if held > 0:
            rates.leave[code] = leavers.get(code, 0.0) / held
            rates.external[code] = max(starters.get(code, 0.0) - moved_in.get(code, 0.0), 0.0)
    return rates


def target_path(start: Stock, target: Stock, years: int) -> list[Stock]:
    """From the stock now to the target in equal steps, reaching it in the last year."""
    return [
        {code: start[code] + (target[code] - start[code]) * (t + 1) / years for code in start} for t in range(years)
    ]


def moved_in(stock: Stock, rates: Rates) -> Stock:
    """The moves each council gains in a year from the others' stock."""
    gained: Stock = {}
    for (origin, destination), share in rates.move.items():
        gained[destination] = gained.get(destination, 0.0) + stock.get(origin, 0.0) * share
    return gained


def replay(year: Rates, central: Rates) -> Rates:
    """A past year's rates for the councils that year has, the central ones for the others."""
    return Rates(
        leave=central.leave | year.leave,
        move={key: share for key, share in central.move.items() if key[0] not in year.leave} | year.move,
        external=central.external | year.external,
    )
