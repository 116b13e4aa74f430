"""The demo's market as a resident meets it: trades without anyone typing, and answers to a request."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from tests.conftest import free_port
from tests.e2e.test_demo import DEMO, demo_env

pytestmark = pytest.mark.slow

T = TypeVar("T")
CONSUMER = "schuetzeberg-5"  # a home with only a meter: it can only buy


def within(seconds: float, probe: Callable[[], T], done: Callable[[T], bool], what: str) -> T:
    deadline = time.monotonic() + seconds
    while True:
        value: T | None = None
        with contextlib.suppress(httpx.TransportError):  # the demo is still starting
            value = probe()
        if value is not None and done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {seconds:g} s; last: {value!r}")
        time.sleep(0.5)


def signed_in(base: str, email: str) -> httpx.Client:
    token = httpx.post(f"{base}/api/auth/login", json={"email": email, "password": "powershare-demo"}).json()
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token['token']}"}, timeout=10)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[str]:
    http_port = free_port()
    process = subprocess.Popen(
        [*DEMO, "--data-dir", str(tmp_path), "--http-port", str(http_port), "--mqtt-port", str(free_port())],
        env=demo_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        login = {"email": "admin@powershare.local", "password": "powershare-demo"}  # seeded after start
        within(
            60,
            lambda: httpx.post(f"{base}/api/auth/login", json=login).status_code,
            lambda s: s == 200,
            "login",
        )
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "Traceback" not in output


def test_the_demo_market_trades_and_explains_every_order(demo: str) -> None:
    with (
        signed_in(demo, "admin@powershare.local") as admin,
        signed_in(demo, f"{CONSUMER}@powershare.local") as resident,
    ):
        market = "/api/communities/demo/market"

        # Standing orders alone fill the book: trades appear within the first two cleared intervals.
        results = within(
            60, lambda: admin.get(market).json()["results"], lambda r: len(r) >= 2, "two cleared intervals"
        )
        first_two = sorted(results, key=lambda r: r["start"])[:2]
        assert any(r["trades"] > 0 for r in first_two), first_two
        assert all(r["price"] is None or "0.0800" <= r["price"] <= "0.3000" for r in results)

        # A resident's request through the API: one matched and explained, one that cannot be met.
        overview = resident.get(market).json()
        start = datetime.fromisoformat(overview["open_interval"])
        window = {
            "window_start": start.isoformat(),
            "window_end": (start + timedelta(minutes=15)).isoformat(),
        }
        wanted = resident.post(
            "/api/requests", json={"site": CONSUMER, "energy_wh": 200, "max_price": "0.3000", **window}
        )
        hopeless = resident.post(
            "/api/requests", json={"site": CONSUMER, "energy_wh": 200, "max_price": "0.0800", **window}
        )
        assert wanted.status_code == hopeless.status_code == 201, (wanted.text, hopeless.text)

        def mine() -> dict[int, dict[str, Any]]:
            return {r["id"]: r for r in resident.get("/api/requests").json() if r["mine"]}

        orders = within(
            60,
            mine,
            lambda m: all(m[o.json()["id"]]["explanation"] is not None for o in (wanted, hopeless)),
            "explanations for both requests",
        )
        matched, refused = orders[wanted.json()["id"]], orders[hopeless.json()["id"]]
        assert (matched["status"], matched["filled_wh"]) == ("matched", 200), matched
        assert matched["explanation"]["code"] == "matched"
        assert matched["explanation"]["params"]["partners"]
        # The feed-in price leaves no room for any neighbour's ask plus the grid fee.
        assert (refused["status"], refused["grid_wh"]) == ("expired", 200), refused
        assert refused["explanation"]["code"] in {"price_too_low", "outbid"}, refused["explanation"]
        trades = resident.get("/api/transactions").json()
        assert sum(t["energy_wh"] for t in trades if t["request_id"] == matched["id"]) == 200

        # After its interval and the grace period, every trade is settled from the meters, and
        # the resident's bill counts what neighbours delivered.
        settled = within(
            90,
            lambda: [t for t in resident.get("/api/transactions").json() if t["request_id"] == matched["id"]],
            lambda ts: all(t["status"] in ("completed", "partially_delivered", "failed") for t in ts),
            "the resident's trade settled from the meters",
        )
        assert all(t["amount"] is not None and t["delivered_wh"] <= t["energy_wh"] for t in settled)
        bill = resident.get("/api/bills").json()
        assert bill["bought_from_neighbours"]["energy_wh"] >= sum(t["delivered_wh"] for t in settled)
        assert bill["currency"] == "EUR"
