"""The wire contract: topic names, payload validation, the published JSON Schemas, the site vocabulary."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from powershare_wire import (
    SITE_QUANTITIES,
    DispatchCommand,
    Kind,
    Nature,
    Node,
    Reading,
    Telemetry,
    TopicParts,
    Unit,
)
from powershare_wire import site as vocabulary
from powershare_wire import topics as wire_topics
from powershare_wire.__main__ import schemas, site_typescript
from tests.wire.strategies import quantities, texts

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "wire"
SITE_TS = ROOT / "web" / "src" / "client" / "site.gen.ts"


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        ("powershare/v1/north/home-1/telemetry", TopicParts("north", "home-1", Kind.TELEMETRY)),
        ("powershare/v1/north/home-1/status", TopicParts("north", "home-1", Kind.STATUS)),
        ("powershare/v1/north/home-1/cmd/dispatch", TopicParts("north", "home-1", Kind.DISPATCH)),
        ("powershare/v1/north/home-1/cmd/dispatch/ack", TopicParts("north", "home-1", Kind.DISPATCH_ACK)),
        ("powershare/v1/north/home-1/unknown", None),
        ("powershare/v2/north/home-1/telemetry", None),
        ("powershare/v1/North/home-1/telemetry", None),
        ("powershare/v1/north/telemetry", None),
        ("$SYS/broker/uptime", None),
    ],
)
def test_topics_parse(topic: str, expected: TopicParts | None) -> None:
    assert wire_topics.parse(topic) == expected


@pytest.mark.parametrize("bad_id", ["", "Home", "a/b", "a+b", "#", "x" * 65, "-lead"])
def test_topic_refuses_ids_that_would_break_the_layout(bad_id: str) -> None:
    with pytest.raises(ValueError, match="must match"):
        wire_topics.topic("north", bad_id, Kind.TELEMETRY)


ids = st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,20}\Z")
times = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=9))]),
)
readings = st.builds(
    Reading,
    seq=st.integers(0, 2**53),
    ts=times,
    device=texts(min_size=1, max_size=64),
    values=st.dictionaries(texts(min_size=1, max_size=20), quantities, min_size=1, max_size=5),
)


@given(site=ids, batch=st.lists(readings, min_size=1, max_size=5))
def test_telemetry_survives_the_wire(site: str, batch: list[Reading]) -> None:
    message = Telemetry(site=site, readings=batch)
    decoded = Telemetry.model_validate_json(message.model_dump_json())
    assert decoded == message
    # any offset arrives aware and at the same instant (the database stores it as UTC)
    assert [r.ts.utcoffset() is not None for r in decoded.readings] == [True] * len(batch)
    assert [r.ts.astimezone(UTC) for r in decoded.readings] == [r.ts.astimezone(UTC) for r in batch]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"v": 1, "site": "a", "readings": []}, "readings"),
        (
            {
                "v": 1,
                "site": "A!",
                "readings": [
                    {
                        "seq": 1,
                        "ts": "2026-01-01T00:00:00Z",
                        "device": "s",
                        "values": {"w": {"value": 1, "unit": "W"}},
                    }
                ],
            },
            "site",
        ),
        (
            {
                "v": 1,
                "site": "a",
                "readings": [
                    {
                        "seq": -1,
                        "ts": "2026-01-01T00:00:00Z",
                        "device": "s",
                        "values": {"w": {"value": 1, "unit": "W"}},
                    }
                ],
            },
            "readings.0.seq",
        ),
        (
            {
                "v": 1,
                "site": "a",
                "readings": [
                    {
                        "seq": 1,
                        "ts": "2026-01-01T00:00:00",
                        "device": "s",
                        "values": {"w": {"value": 1, "unit": "W"}},
                    }
                ],
            },
            "readings.0.ts",
        ),
        (
            {
                "v": 1,
                "site": "a",
                "readings": [
                    {
                        "seq": 1,
                        "ts": "2026-01-01T00:00:00Z",
                        "device": "s",
                        "values": {"w": {"value": 1, "unit": "kW"}},
                    }
                ],
            },
            "readings.0.values.w.unit",
        ),
        (
            {
                "v": 1,
                "site": "a",
                "readings": [
                    {
                        "seq": 1,
                        "ts": "2026-01-01T00:00:00Z",
                        "device": "s",
                        "values": {"w": {"value": "NaN", "unit": "W"}},
                    }
                ],
            },
            "readings.0.values.w.value",
        ),
        (
            {
                "v": 1,
                "site": "a",
                "extra": 1,
                "readings": [
                    {
                        "seq": 1,
                        "ts": "2026-01-01T00:00:00Z",
                        "device": "s",
                        "values": {"w": {"value": 1, "unit": "W"}},
                    }
                ],
            },
            "extra",
        ),
    ],
)
def test_invalid_telemetry_names_the_field(payload: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Telemetry.model_validate_json(json.dumps(payload))
    locations = {".".join(str(p) for p in error["loc"]) for error in info.value.errors()}
    assert field in locations


def test_idle_dispatch_carries_no_power() -> None:
    with pytest.raises(ValidationError, match="power_w must be 0"):
        DispatchCommand(
            id="c1", site="a", mode="idle", power_w=100, duration_s=60, issued_at=datetime.now(UTC)
        )


def test_published_schemas_match_the_models() -> None:
    """docs/wire is generated by `python -m powershare_wire docs/wire`; rerun it after a model change."""
    expected = schemas()
    published = {path.name: path.read_text(encoding="utf-8") for path in DOCS.glob("*.schema.json")}
    assert published == expected


def test_dashboard_site_vocabulary_matches_the_wire() -> None:
    """web/src/client/site.gen.ts is generated by `make schemas`; rerun it after changing powershare_wire/site.py."""
    assert SITE_TS.read_text(encoding="utf-8") == site_typescript()


def test_site_names_are_defined_once() -> None:
    names = [q.name for q in SITE_QUANTITIES]
    assert len(names) == len(set(names))
    constants = {value for key, value in vars(vocabulary).items() if key.isupper() and isinstance(value, str)}
    assert constants - {vocabulary.SITE_DEVICE} == set(names)


@pytest.mark.parametrize("quantity", SITE_QUANTITIES, ids=lambda q: q.name)
def test_site_quantity_is_consistent(quantity: vocabulary.SiteQuantity) -> None:
    units = {Nature.POWER: Unit.W, Nature.FLOW: Unit.W, Nature.COUNTER: Unit.WH, Nature.STATE: Unit.PERCENT}
    assert quantity.unit is units[quantity.nature]
    assert quantity.name.endswith({Unit.W: "_w", Unit.WH: "_wh", Unit.PERCENT: "_pct"}[quantity.unit])
    if quantity.nature is Nature.FLOW:
        assert quantity.source is not None
        assert quantity.target is not None
        assert quantity.name == f"{quantity.source}_to_{quantity.target}_w"
        assert quantity.negative is None
    if quantity.nature is Nature.COUNTER:
        assert quantity.negative is None  # counters only grow
        assert quantity.integrates
        assert all(vocabulary.BY_NAME[p].nature is Nature.POWER for p in quantity.integrates)


def test_every_node_pair_the_balance_allows_has_a_flow() -> None:
    sources = {Node.PV, Node.WIND, Node.BATTERY, Node.GRID}
    sinks = {Node.HOME, Node.BATTERY, Node.GRID}
    expected = {(a, b) for a in sources for b in sinks if a != b}
    assert {(f.source, f.target) for f in vocabulary.FLOWS} == expected
