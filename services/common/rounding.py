"""How the platform prints a figure it adds up (an FTE, a rate): half up, to one decimal place, as the DfE publishes."""

from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")


def half_up(value: Decimal, places: Decimal = ONE_PLACE) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)
