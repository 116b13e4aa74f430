"""Ex-post sharing through the hub: changing the mode ahead, orders refused, the market standing aside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from firmware_sims.clock import SimClock
from hub.db.models import AllocationKey, SharingMode, SharingPeriod, Site
from tests.conftest import BrokerAddress
from tests.helpers import eventually
from tests.hub.conftest import HubFactory
from tests.hub.test_market import INTERVAL, homes, next_interval, offer, request, window

T0 = datetime(2026, 6, 21, 10, 7, tzinfo=UTC)  # the open interval is 10:15 (its gate 10:10)
OPEN = datetime(2026, 6, 21, 10, 15, tzinfo=UTC)
FIRST_CHANGEABLE = OPEN + INTERVAL


def problem(response: Any) -> tuple[str, str]:
    assert response.status_code == 422, response.text
    [detail] = response.json()["detail"]
    return detail["loc"][-1], detail["msg"]


async def test_an_admin_switches_to_ex_post_from_the_interval_after_the_open_one(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(T0)
    async with start_hub(amqtt_broker, db_url, clock=clock) as hub:
        consumer, near, _far = await homes(hub, community)
        admin = await hub.admin()
        path = f"/api/communities/{community}/sharing"
        before = (await consumer.get(path)).json()
        assert before["current"]["mode"] == "market"
        assert before["current"]["effective_from"] is None
        assert before["scheduled"] == []
        assert datetime.fromisoformat(before["earliest_change"]) == FIRST_CHANGEABLE

        static = {"mode": "ex_post", "key": "static", "shares": {"home-c": "1", "home-near": "3"}}
        assert (await consumer.put(path, json=static)).status_code == 403
        changed = await admin.put(path, json=static)
        assert changed.status_code == 200, changed.text
        [scheduled] = changed.json()["scheduled"]
        assert datetime.fromisoformat(scheduled["effective_from"]) == FIRST_CHANGEABLE
        assert (scheduled["mode"], scheduled["key"], scheduled["price"]) == ("ex_post", "static", None)
        assert scheduled["allocation_price"] == "0.1900"  # midway between 0.0800 and 0.3000
        assert scheduled["shares"] == {"home-c": "1", "home-near": "3"}
        assert changed.json()["current"]["mode"] == "market"  # the running and the open interval trade
        # A resident sees the weight of their own site and the total, not the neighbours'.
        mine = (await consumer.get(path)).json()["scheduled"][0]
        assert (mine["shares"], mine["total_weight"]) == ({"home-c": "1"}, "4")

        # A second decision before the first took effect replaces it.
        dynamic = {"mode": "ex_post", "key": "dynamic", "price": "0.15"}
        [scheduled] = (await admin.put(path, json=dynamic)).json()["scheduled"]
        assert (scheduled["key"], scheduled["price"], scheduled["allocation_price"]) == (
            "dynamic",
            "0.1500",
            "0.1500",
        )

        # Orders are still taken for the open interval, not from the change on.
        await request(consumer, 1000, "0.2500", OPEN)
        await offer(near, "home-near", 1000, "0.1000", OPEN)
        words = f"this community shares ex post from {FIRST_CHANGEABLE.isoformat()}: orders are not needed"
        body = {"site": "home-c", "energy_wh": 1000, "max_price": "0.2500"}
        refused = await consumer.post("/api/requests", json={**body, **window(FIRST_CHANGEABLE)})
        assert problem(refused) == ("window_start", words)
        refused = await consumer.post("/api/requests", json={**body, **window(OPEN, intervals=2)})
        assert problem(refused) == ("window_end", words)
        offered = {"site": "home-near", "energy_wh": 500, "min_price": "0.1000", **window(FIRST_CHANGEABLE)}
        assert problem(await near.post("/api/offers", json=offered))[0] == "window_start"

        clear = f"/api/communities/{community}/market/clear"
        refused = await admin.post(clear, json={"start": FIRST_CHANGEABLE.isoformat()})
        assert problem(refused)[0] == "start"
        cleared = await admin.post(clear, json={"start": OPEN.isoformat()})
        assert cleared.status_code == 200, cleared.text
        assert cleared.json()["volume_wh"] == 1000

        clock.advance((FIRST_CHANGEABLE - T0).total_seconds() + 60)
        now = (await consumer.get(path)).json()
        assert now["current"]["mode"] == "ex_post"
        assert datetime.fromisoformat(now["current"]["effective_from"]) == FIRST_CHANGEABLE
        assert now["scheduled"] == []

        # Back to the market, again from the interval after the open one.
        back = await admin.put(path, json={"mode": "market"})
        [scheduled] = back.json()["scheduled"]
        assert scheduled["mode"] == "market"
        assert datetime.fromisoformat(scheduled["effective_from"]) == FIRST_CHANGEABLE + 2 * INTERVAL


async def test_bad_changes_name_the_field_and_what_is_allowed(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await homes(hub, community)
        await hub.resident("o@example.org", "home-other", "elsewhere", kind="consumer")
        admin = await hub.admin()
        path = f"/api/communities/{community}/sharing"
        static = {"mode": "ex_post", "key": "static"}
        for body, field, words in (
            (
                {**static, "price": "0.5000", "shares": {"home-c": 1}},
                "price",
                "between the feed-in price 0.0800",
            ),
            ({**static, "price": "0.123456", "shares": {"home-c": 1}}, "price", "decimal places"),
            (static, "shares", "needs a weight"),
            ({**static, "shares": {"home-other": 1}}, "shares", "no site 'home-other' in community"),
            ({**static, "shares": {"home-c": 0}}, "home-c", "greater than 0"),
            ({**static, "shares": {"home-c": "-1"}}, "home-c", "greater than 0"),
            (
                {"mode": "ex_post", "key": "dynamic", "shares": {"home-c": 1}},
                "shares",
                "only to a static key",
            ),
            ({"mode": "ex_post"}, "key", "needs an allocation key"),
            ({"mode": "market", "key": "dynamic"}, "key", "only to ex-post sharing"),
            ({"mode": "market", "price": "0.2000"}, "price", "only to ex-post sharing"),
            ({"mode": "barter"}, "mode", "ex_post"),
        ):
            response = await admin.put(path, json=body)
            loc, msg = problem(response)
            assert (loc, words in msg) == (field, True), (body, msg)
        assert (await admin.get(path)).json()["scheduled"] == []  # nothing was half-stored
        assert (
            await admin.put("/api/communities/nowhere/sharing", json={"mode": "market"})
        ).status_code == 404


async def test_the_market_stands_aside_in_ex_post_intervals(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.accelerated(600)  # an interval every 1.5 s, the gate 0.5 s before it
    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        consumer, near, _far = await homes(hub, community)
        start = next_interval(hub) + 3 * INTERVAL  # time for the coordinator to find the new community
        three = {"window_end": (start + 3 * INTERVAL).isoformat()}
        await offer(near, "home-near", 1000, "0.1000", start, **three)
        await request(consumer, 900, "0.2000", start, **three)
        battery = {"kind": "battery", "power_kw": 4.0, "energy_kwh": 10.0}
        assert (await near.patch("/api/sites/home-near", json={"assets": [battery]})).status_code == 200
        standing = {
            "kind": "sell_battery",
            "price": "0.1500",
            "min_soc_pct": 40,
            "from_hour": 0,
            "to_hour": 24,
        }
        assert (await near.post("/api/sites/home-near/standing-orders", json=standing)).status_code == 201
        async with hub.state["sessions"]() as session:
            site = await session.get(Site, "home-near")
            assert site is not None
            site.latest = {"values": {"soc_pct": {"value": 80.0, "unit": "%"}}}
            # Decided earlier (the orders above were placed before): ex post for the middle interval only.
            for when, mode, key in (
                (start + INTERVAL, SharingMode.EX_POST, AllocationKey.DYNAMIC),
                (start + 2 * INTERVAL, SharingMode.MARKET, None),
            ):
                session.add(SharingPeriod(community=community, effective_from=when, mode=mode, key=key))
            await session.commit()

        span = {"start": start.isoformat(), "end": (start + 3 * INTERVAL).isoformat()}
        results = await eventually(
            lambda: consumer.get(f"/api/communities/{community}/market/intervals", params=span),
            lambda r: len(r.json()) == 2,
            within=30,
            what="the two market intervals cleared",
        )
        assert [datetime.fromisoformat(r["start"]) for r in results.json()] == [start, start + 2 * INTERVAL]
        trades = (await consumer.get("/api/transactions")).json()
        assert sorted(datetime.fromisoformat(t["window_start"]) for t in trades) == [
            start,
            start + 2 * INTERVAL,
        ]
        made = {
            datetime.fromisoformat(o["window_start"])
            for o in (await near.get("/api/offers")).json()
            if o["standing"]
        }
        assert start + INTERVAL not in made  # the standing order made nothing for the ex-post interval
        assert {start, start + 2 * INTERVAL} <= made


async def test_a_late_hub_still_refuses_orders_over_an_ex_post_window(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    """A community sharing ex post now and back to the market later takes orders only for then."""
    clock = SimClock.stepped(T0)
    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        consumer, _near, _far = await homes(hub, community)
        back = OPEN + timedelta(hours=1)
        async with hub.state["sessions"]() as session:
            since = OPEN - timedelta(days=1)
            ex_post = SharingPeriod(
                community=community, effective_from=since, mode=SharingMode.EX_POST, key=AllocationKey.DYNAMIC
            )
            session.add(ex_post)
            session.add(SharingPeriod(community=community, effective_from=back, mode=SharingMode.MARKET))
            await session.commit()
        body = {"site": "home-c", "energy_wh": 1000, "max_price": "0.2500"}
        loc, msg = problem(await consumer.post("/api/requests", json={**body, **window(OPEN)}))
        assert (loc, msg) == (
            "window_start",
            f"this community shares ex post from {since.isoformat()}: orders are not needed",
        )
        await request(consumer, 1000, "0.2500", back)
        overview = (await consumer.get(f"/api/communities/{community}/sharing")).json()
        assert (overview["current"]["mode"], overview["current"]["key"]) == ("ex_post", "dynamic")
        assert [p["mode"] for p in overview["scheduled"]] == ["market"]
