"""Hypothesis strategies for what the wire models accept: text without control characters,
values within their unit's bounds."""

from __future__ import annotations

from hypothesis import strategies as st

from powershare_wire import Quantity, Unit
from powershare_wire.bounds import BY_UNIT

# Cc are the control characters the models refuse; Cs (lone surrogates) cannot be sent as UTF-8.
printable = st.characters(exclude_categories=("Cc", "Cs"))


def texts(min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy[str]:
    return st.text(printable, min_size=min_size, max_size=max_size)


def _within(unit: Unit) -> st.SearchStrategy[Quantity]:
    bound = BY_UNIT[unit]
    value = st.one_of(st.none(), st.floats(bound.low, bound.high))
    return st.builds(Quantity, value=value, unit=st.just(unit))


quantities = st.sampled_from(Unit).flatmap(_within)
