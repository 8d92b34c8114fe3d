"""State machines driven by a table: (state, action) -> next state. Careers' progression applications and
Return to Social Work's stages are both one of these, and both are served by one endpoint shape,
`POST .../{id}/transitions` with a body whose `action` chooses the step."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

State = TypeVar("State", bound=Enum)
Act = TypeVar("Act", bound=Enum)


def say_refused(state: Enum, action: Enum, allowed: list[Enum]) -> str:
    listed = ", ".join(a.value for a in allowed) or "none: the stage is final"
    return f"'{action.value}' is not possible from stage '{state.value}' (possible: {listed})"


class InvalidTransition(ValueError):
    """The action is not one the current state allows; `allowed` lists those it does, in table order."""

    def __init__(self, state: Enum, action: Enum, allowed: list, message: str):
        self.state, self.action, self.allowed = state, action, allowed
        super().__init__(message)


@dataclass(frozen=True)
class Transitions(Generic[State, Act]):
    """`table` maps (state, action) to the next state; `refused` words the answer to an action not allowed."""

    table: Mapping[tuple[State, Act], State]
    refused: Callable[[State, Act, list[Act]], str] = say_refused

    def allowed(self, state: State) -> list[Act]:
        """The actions `state` allows, in the table's order."""
        return [action for source, action in self.table if source == state]

    def next(self, state: State, action: Act) -> State:
        """The state `action` leads to from `state`, or InvalidTransition naming what is allowed."""
        try:
            return self.table[(state, action)]
        except KeyError:
            allowed = self.allowed(state)
            raise InvalidTransition(state, action, allowed, self.refused(state, action, allowed)) from None

    def final(self, states: type[State]) -> frozenset[State]:
        """The states of `states` that no action leaves."""
        return frozenset(state for state in states if not self.allowed(state))
