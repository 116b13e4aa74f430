"""Point and model definitions: the shape of a SunSpec model, without values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Point:
    """One SunSpec point; ``offset`` counts from the model's ID register."""

    name: str
    offset: int
    type: str
    size: int
    sf: str | None
    writable: bool


@dataclass(frozen=True, slots=True)
class ModelDef:
    """A SunSpec model: fixed points plus an optional repeating group (e.g. 160 modules)."""

    model_id: int
    name: str
    fixed_length: int  # L of the fixed block, i.e. registers after ID and L
    repeat_length: int  # registers per repeating group instance, 0 if none
    points: tuple[Point, ...]
    repeating: tuple[Point, ...]

    def point(self, name: str) -> Point:
        for candidate in self.points:
            if candidate.name == name:
                return candidate
        raise KeyError(f"model {self.model_id} has no point {name!r}")
