"""How the soak counts one site's window from the database's figures (#12)."""

from __future__ import annotations

import pytest

from soak.accounting import Count, tally


@pytest.mark.parametrize(
    ("produced", "distinct_seqs", "rows", "distinct_measurements", "expected"),
    [
        (10, 10, 10, 10, Count(10, 10, 0)),  # everything once
        (10, 7, 7, 7, Count(10, 7, 0)),  # three never arrived
        (10, 10, 12, 12, Count(10, 10, 2)),  # two seqs stored again under another time
        (10, 10, 10, 9, Count(10, 10, 1)),  # one measurement stored under two seqs
        (0, 0, 0, 0, Count(0, 0, 0)),
    ],
)
def test_a_window_counts_losses_and_duplicates(
    produced: int, distinct_seqs: int, rows: int, distinct_measurements: int, expected: Count
) -> None:
    assert tally(produced, distinct_seqs, rows, distinct_measurements) == expected


def test_lost_is_what_was_produced_and_not_stored() -> None:
    assert Count(produced=10, stored=7, duplicated=0).lost == 3
