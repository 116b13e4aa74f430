"""History per period with CSV export, and community figures, from readings sent over MQTT."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from hub.energy.community import Tariff, community_figures
from hub.energy.intervals import Energy, interval_start
from hub.energy.periods import Period, bucket_start, roll_up
from powershare_wire import Quantity, Reading, Unit
from tests.conftest import BrokerAddress
from tests.helpers import eventually, publish_telemetry
from tests.hub.conftest import HubFactory


def counters(seq: int, ts: datetime, **wh: float) -> Reading:
    return Reading(
        seq=seq, ts=ts, device="site", values={k: Quantity(value=v, unit=Unit.WH) for k, v in wh.items()}
    )


async def test_history_and_community_stats(
    broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    base = interval_start(datetime.now(UTC) - timedelta(minutes=30))
    async with start_hub(broker, db_url) as hub:
        await eventually(lambda: hub.http.get("/api/health"), lambda r: r.json()["mqtt"]["connected"])
        sunny = await hub.resident("sun@example.org", "home-sun", community, kind="provider")
        await hub.resident("dark@example.org", "home-dark", community, kind="consumer")
        sends = {
            "home-sun": [
                counters(1, base, export_wh=0, production_wh=0, import_wh=0),
                counters(2, base + timedelta(minutes=1), export_wh=500, production_wh=1000, import_wh=0),
            ],
            "home-dark": [
                counters(1, base, import_wh=1000, export_wh=0),
                counters(2, base + timedelta(minutes=1), import_wh=1300, export_wh=0),
            ],
        }
        for site, readings in sends.items():
            await publish_telemetry(broker.host, broker.port, community, site, readings, batch=2)
        await eventually(
            lambda: hub.http.get("/api/health"),
            lambda r: r.json()["ingest"]["accepted"] == 4,
            what="readings",
        )

        span = {
            "start": (base - timedelta(hours=1)).isoformat(),
            "end": (base + timedelta(hours=1)).isoformat(),
        }
        history = (await sunny.get("/api/sites/home-sun/history", params={"period": "hour", **span})).json()
        [point] = history["points"]
        assert point["start"] == bucket_start(base, Period.HOUR).isoformat().replace("+00:00", "Z")
        assert (point["export_kwh"], point["production_kwh"], point["consumption_kwh"]) == (0.5, 1.0, 0.5)
        assert point["readings"] == 2
        # the hub works out the site's own figures (#10): half its production used, nothing bought
        assert history["totals"] == {
            "produced_kwh": 1.0,
            "wind_kwh": 0.0,
            "consumed_kwh": 0.5,
            "imported_kwh": 0.0,
            "exported_kwh": 0.5,
            "self_consumption": 0.5,
            "self_sufficiency": 1.0,
        }
        stats = (await sunny.get("/api/sites/home-sun/stats", params=span)).json()
        assert (stats["site"], stats["self_consumption"], stats["self_sufficiency"]) == ("home-sun", 0.5, 1.0)
        today = (await sunny.get("/api/sites/home-sun/stats")).json()
        assert today["start"].endswith("T00:00:00Z")
        assert (await sunny.get("/api/sites/home-dark/stats")).status_code == 403  # a neighbour's
        late = await sunny.get("/api/sites/home-sun/stats", params={"start": "9999-12-31T12:00:00Z"})
        assert (late.status_code, late.json()["detail"][0]["loc"]) == (422, ["query", "start"])

        exported = await sunny.get(
            "/api/sites/home-sun/history", params={"period": "day", "format": "csv", **span}
        )
        assert exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert [float(r["export_kwh"]) for r in rows] == [0.5]
        assert [float(r["wind_kwh"]) for r in rows] == [0.0]

        bad = await sunny.get(
            "/api/sites/home-sun/history",
            params={"period": "15min", "start": span["end"], "end": span["start"]},
        )
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["query", "end"]

        stats = (await sunny.get(f"/api/communities/{community}/stats", params=span)).json()
        assert stats["sites"] == 2
        assert stats["produced_kwh"] == pytest.approx(1.0)
        assert stats["consumed_kwh"] == pytest.approx(0.8)
        assert stats["community_coverage_kwh"] == pytest.approx(0.3)
        assert stats["shared_kwh"] == 0  # nobody traded: the meters alone share nothing
        assert stats["imported_kwh"] == pytest.approx(0.0)
        assert stats["exported_kwh"] == pytest.approx(0.2)
        assert stats["self_sufficiency"] == pytest.approx(1.0)
        assert stats["co2_avoided_kg"] == pytest.approx(0.8 * 0.380)
        assert stats["savings"] == "0.00"  # of what was shared


TARIFF = Tariff(
    retail_price_per_kwh=Decimal("0.30"), feed_in_price_per_kwh=Decimal("0.08"), co2_g_per_kwh=400
)


@pytest.mark.parametrize(
    ("intervals", "coverage", "imported", "self_sufficiency"),
    [
        # one home exports 1 kWh while another imports 1 kWh: all shared, nothing from outside
        ([[Energy(export_wh=1000, production_wh=1000), Energy(import_wh=1000)]], 1.0, 0.0, 1.0),
        # only imports: nothing shared, all from outside
        ([[Energy(import_wh=500), Energy(import_wh=500)]], 0.0, 1.0, 0.0),
        # exports and imports in different intervals are not sharing
        ([[Energy(export_wh=1000, production_wh=1000)], [Energy(import_wh=1000)]], 0.0, 1.0, 0.0),
        # half the import covered by a neighbour
        ([[Energy(export_wh=250, production_wh=250), Energy(import_wh=500)]], 0.25, 0.25, 0.5),
        ([], 0.0, 0.0, 0.0),
    ],
)
def test_community_figures(
    intervals: list[list[Energy]], coverage: float, imported: float, self_sufficiency: float
) -> None:
    figures = community_figures(intervals, TARIFF, shared_wh=333)
    assert figures.community_coverage_kwh == pytest.approx(coverage)
    assert figures.imported_kwh == pytest.approx(imported)
    assert figures.self_sufficiency == pytest.approx(self_sufficiency)
    # Shared is what was delivered, whatever the meters netted; valued at retail − feed-in.
    assert (figures.shared_kwh, figures.savings) == (0.333, Decimal("0.07"))


@pytest.mark.parametrize(
    ("ts", "period", "start"),
    [
        ("2026-03-15T10:44:59+00:00", Period.QUARTER_HOUR, "2026-03-15T10:30:00+00:00"),
        ("2026-03-15T10:44:59+00:00", Period.HOUR, "2026-03-15T10:00:00+00:00"),
        ("2026-03-15T10:44:59+00:00", Period.DAY, "2026-03-15T00:00:00+00:00"),
        ("2026-03-15T10:44:59+00:00", Period.MONTH, "2026-03-01T00:00:00+00:00"),
        ("2026-03-15T01:30:00+02:00", Period.DAY, "2026-03-14T00:00:00+00:00"),  # days are UTC
    ],
)
def test_bucket_start(ts: str, period: Period, start: str) -> None:
    assert bucket_start(datetime.fromisoformat(ts), period) == datetime.fromisoformat(start)


def test_roll_up_sums_intervals_into_hours() -> None:
    t = datetime(2026, 3, 15, 10, 0, tzinfo=UTC)
    quarter = [(t + timedelta(minutes=15 * i), Energy(import_wh=100), 3) for i in range(6)]
    buckets = roll_up(quarter, Period.HOUR)
    assert [(b.start.hour, b.energy.import_wh, b.readings) for b in buckets] == [(10, 400, 12), (11, 200, 6)]
