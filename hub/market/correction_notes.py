"""Why an interval was settled again, as a code and its parameters. Pure.

The note is stored and served as a code (and, for late readings, the sites whose meters
changed), so the dashboard words it in the resident's language; ``text`` is its English
wording, for the bill's CSV export and for clients that show the note as sent.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class NoteCode(enum.StrEnum):
    LATE_READINGS = "late_readings"  # the meters of ``sites`` showed something new
    TRADES_CHANGED = "trades_changed"  # the meters did not change: the trades (or the sharing) did


@dataclass(frozen=True, slots=True)
class CorrectionNote:
    code: NoteCode
    sites: tuple[str, ...] = ()  # LATE_READINGS: the sites whose meters changed, sorted

    def text(self) -> str:
        if self.code is NoteCode.LATE_READINGS:
            return "late readings from " + ", ".join(self.sites)
        return "trades changed"


def why(before: Mapping[str, Any], after: Mapping[str, Any]) -> CorrectionNote:
    """What made a re-settlement necessary, from the meters ({site: [import_wh, export_wh]})
    the interval was settled from before and now."""
    changed = tuple(
        sorted(site for site in before.keys() | after.keys() if before.get(site) != after.get(site))
    )
    if changed:
        return CorrectionNote(NoteCode.LATE_READINGS, changed)
    return CorrectionNote(NoteCode.TRADES_CHANGED)


def stored(code: str | None, sites: list[str] | None) -> CorrectionNote | None:
    """A note as a settlement row keeps it (None: a first settlement)."""
    if code is None:
        return None
    return CorrectionNote(NoteCode(code), tuple(sites or ()))
