"""Every point in our model maps matches the SunSpec model JSON shipped with pysunspec2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sunspec2

from edge_agent.sunspec.maps import MODELS, ModelMap

MODEL_DIR = Path(sunspec2.__file__).parent / "models" / "json"


def json_points(points: list[dict[str, Any]]) -> dict[str, tuple[int, str, str | None, int]]:
    offset, found = 0, {}
    for point in points:
        found[point["name"]] = (offset, point["type"], point.get("sf"), point["size"])
        offset += point["size"]
    return found


@pytest.mark.parametrize("model", MODELS.values(), ids=lambda m: str(m.model_id))
def test_offsets_types_and_scale_factors_match_the_json(model: ModelMap) -> None:
    group = json.loads((MODEL_DIR / f"model_{model.model_id}.json").read_text())["group"]
    reference = json_points(group["points"])
    for point in model.points:
        offset, type_, sf, size = reference[point.sunspec]
        assert (point.offset, point.type.value, point.sf) == (offset, type_, sf), point.sunspec
        assert point.width == size, point.sunspec
    if model.repeat is not None:
        module = json_points(group["groups"][0]["points"])
        assert model.repeat.start == sum(p["size"] for p in group["points"])
        assert model.repeat.length == sum(p["size"] for p in group["groups"][0]["points"])
        for point in model.repeat.points:
            assert (point.offset, point.type.value, point.sf) == module[point.sunspec][:3]
