"""State machines driven by a table (services/common/transitions.py), as careers and returners use them."""

from enum import StrEnum

import pytest

from services.common.transitions import InvalidTransition, Transitions

# --- Transitions -------------------------------------------------------------------------------


class Light(StrEnum):
    red, green, amber, off = "red", "green", "amber", "off"


class Switch(StrEnum):
    go, slow, stop, cut = "go", "slow", "stop", "cut"


LIGHTS = Transitions(
    {
        (Light.red, Switch.go): Light.green,
        (Light.green, Switch.slow): Light.amber,
        (Light.amber, Switch.stop): Light.red,
        (Light.red, Switch.cut): Light.off,
        (Light.green, Switch.cut): Light.off,
    }
)


def test_an_allowed_action_leads_where_the_table_says():
    assert LIGHTS.next(Light.red, Switch.go) is Light.green
    assert LIGHTS.allowed(Light.red) == [Switch.go, Switch.cut]
    assert LIGHTS.final(Light) == frozenset({Light.off})


def test_an_action_the_state_does_not_allow_is_refused_naming_those_it_does():
    with pytest.raises(InvalidTransition) as refused:
        LIGHTS.next(Light.amber, Switch.go)
    assert (refused.value.state, refused.value.action, refused.value.allowed) == (Light.amber, Switch.go, [Switch.stop])
    assert str(refused.value) == "'go' is not possible from stage 'amber' (possible: stop)"
    with pytest.raises(InvalidTransition, match="none: the stage is final"):
        LIGHTS.next(Light.off, Switch.go)


def test_a_domain_words_its_own_refusal():
    worded = Transitions(LIGHTS.table, refused=lambda state, action, allowed: f"{state} cannot {action}")
    with pytest.raises(InvalidTransition, match="^off cannot go$"):
        worded.next(Light.off, Switch.go)
