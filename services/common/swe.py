"""Social Work England registration numbers, as every service stores and matches them (rules.md)."""

import re

_SWE_NORMALISED = re.compile(r"SW[1-9][0-9]{0,9}")
_SWE_DIGITS = re.compile(r"[0-9]+")


def normalise_swe(raw: str) -> str:
    """Return an SWE number as stored and matched: `SW` + the number without leading zeros.

    Accepts any case, spaces anywhere (`sw 0123`) and any number of leading zeros (the HCPC
    carried numbers over as SW000123). The number itself may have at most ten digits.
    """
    compact = "".join(str(raw).split()).upper()
    if not compact:
        raise ValueError("the SWE number is empty")
    if not compact.startswith("SW"):
        raise ValueError(f"the SWE number {raw!r} does not start with SW")
    digits = compact[2:]
    if not _SWE_DIGITS.fullmatch(digits):
        raise ValueError(f"the SWE number {raw!r} must be SW followed by digits only")
    number = digits.lstrip("0")
    if not number:
        raise ValueError(f"the SWE number {raw!r} is all zeros")
    if len(number) > 10:
        raise ValueError(f"the SWE number {raw!r} has more than ten digits")
    return "SW" + number


def swe_for_census(normalised: str) -> str:
    """The census spelling of a normalised SWE number: SW + ten digits (SW123 -> SW0000000123)."""
    if not _SWE_NORMALISED.fullmatch(normalised):
        raise ValueError(f"{normalised!r} is not a normalised SWE number (SW123)")
    return "SW" + normalised[2:].zfill(10)
