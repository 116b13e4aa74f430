"""Fleet benchmark: 10,000 simulated sites at 1 Hz for 60 s into one hub on PostgreSQL (#13).

A generator of ``--publishers`` processes (paho-mqtt, QoS 1, as agents publish) offers one
telemetry message per site per second, spread evenly over each second, with ``--readings``
readings in it (a site snapshot and its devices'), each stamped with the time it is published.
The hub runs in its own process against a fresh PostgreSQL database and a Mosquitto of the
bench's own. Before the clock starts every site sends one message, so the 10,000 sites are
registered and the measured seconds see only steady load.

The lag sampler reads it back from the database: per second of publishing, the readings the
hub committed and their publish → commit lag (``received_at - ts``; ``received_at`` is the time
the hub's batch was written). The table shows the sustained rate against the offered one, the
lag p50/p99 of the first and the last 10 s, and whether the lag stayed flat (last p99 ÷ first).
The sites share the generator's few connections: this measures the hub, not the broker's
connection count. With ``--every N`` each site sends one message every N seconds holding N
polls' readings (the agent's ``[mqtt] publish_every_s``): the same readings per second in an
N-th of the messages, the sites' turns spread over the N seconds. The lag is still counted from
the publish, not from the poll that took the reading.

    .venv/bin/python bench/bench_fleet.py [--sites 10000] [--seconds 60] [--publishers 2] [--every 1]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import queue
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.queues import Queue
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_hub
import httpx
import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion

DEVICES = ("site", "inverter", "battery", "meter")
TICKS = 10  # slices of a second: each sends a tenth of a process's sites
WINDOW = 10  # seconds at the start and at the end compared for flat lag
FLAT = 1.5  # goal: the last window's p99 at most this many times the first's
READING = (
    '{{"seq":{seq},"ts":"{ts}","device":"{device}","values":{{"pv_w":{{"value":2500.0,"unit":"W"}},'
    '"load_w":{{"value":800.0,"unit":"W"}},"grid_w":{{"value":-1500.0,"unit":"W"}},'
    '"import_wh":{{"value":{imp},"unit":"Wh"}},"export_wh":{{"value":{exp},"unit":"Wh"}}}}}}'
)


def payload(site: int, first_seq: int, count: int, ts: str) -> bytes:
    """One message of ``count`` readings, formatted directly: the generator must not be the bottleneck."""
    readings = ",".join(
        READING.format(
            seq=first_seq + n,
            ts=ts,
            device=DEVICES[n % len(DEVICES)],
            imp=1000 + (first_seq + n) * 0.1,
            exp=5000 + (first_seq + n) * 0.4,
        )
        for n in range(count)
    )
    return f'{{"v":1,"site":"fleet-{site}","readings":[{readings}]}}'.encode()


def topic(community: str, site: int) -> str:
    return f"powershare/v1/{community}/fleet-{site}/telemetry"


@dataclass(frozen=True)
class Load:
    community: str
    sites: int
    seconds: int
    readings: int
    publishers: int
    start: float  # wall time of the first second
    first_seq: int
    every: int = 1  # seconds between a site's messages, each holding that many polls' readings

    @property
    def per_message(self) -> int:
        return self.readings * self.every


GRACE = 10  # seconds a publisher may run past its schedule before it stops
OUTSTANDING = 20_000  # unacknowledged messages a publisher may have before it waits (paho has 65,535 ids)


def publisher(index: int, load: Load, port: int, results: Queue[tuple[int, float, float]]) -> None:
    """Publish this process's share of the sites, once a second each.

    Reports the messages published, the worst lateness of a slice behind schedule and the time
    of the last publish.

    A broker that acknowledges slower than the schedule makes the publisher wait (and fall
    behind, which it reports) rather than pile up more messages than MQTT has packet ids for.
    """
    acked = 0

    def on_publish(*_args: object) -> None:
        nonlocal acked
        acked += 1

    client = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=f"fleet-{uuid.uuid4().hex[:8]}-{index}", clean_session=True
    )
    client.max_inflight_messages_set(5000)
    client.on_publish = on_publish
    client.connect(bench_hub.MQTT_HOST, port)
    client.loop_start()
    mine = list(range(index, load.sites, load.publishers))
    slices = [mine[n::TICKS] for n in range(TICKS)]
    topics = {site: topic(load.community, site) for site in mine}
    published, late, finished = 0, 0.0, load.start
    stop = load.start + load.seconds + GRACE
    for second in range(load.seconds):
        seq = load.first_seq + (second // load.every) * load.per_message
        for n, sites in enumerate(slices):
            due = load.start + second + n / TICKS
            wait = due - time.time()
            if wait > 0:
                time.sleep(wait)
            else:
                late = max(late, -wait)
            if time.time() > stop:  # too far behind: what it published is what it offered
                break
            ts = datetime.now(UTC).isoformat(timespec="microseconds")
            for site in sites:
                if site % load.every != second % load.every:
                    continue  # not this site's turn
                while published - acked > OUTSTANDING:
                    time.sleep(0.001)
                info = client.publish(topics[site], payload(site, seq, load.per_message, ts), qos=1)
                if info.rc != mqtt.MQTT_ERR_SUCCESS:
                    raise RuntimeError(f"publish refused: {mqtt.error_string(info.rc)}")
                published += 1
            finished = time.time()
    deadline = time.monotonic() + 120
    while acked < published and time.monotonic() < deadline:
        time.sleep(0.05)
    client.loop_stop()
    client.disconnect()
    results.put((published, late, finished))


def offer(load: Load, port: int) -> tuple[int, float, float]:
    """Run the generator: messages published, the worst lateness of any slice (s), the last publish."""
    results: Queue[tuple[int, float, float]] = mp.Queue()
    processes = [
        mp.Process(target=publisher, args=(n, load, port, results), daemon=True)
        for n in range(load.publishers)
    ]
    for process in processes:
        process.start()
    reports: list[tuple[int, float, float]] = []
    deadline = time.monotonic() + load.seconds + GRACE + 180
    while len(reports) < len(processes):
        try:
            reports.append(results.get(timeout=1))
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                raise SystemExit("a publisher failed (see above)") from None
            if time.monotonic() > deadline:
                raise SystemExit("the publishers did not finish in time") from None
    for process in processes:
        process.join(30)
    return sum(r[0] for r in reports), max(r[1] for r in reports), max(r[2] for r in reports)


@dataclass(frozen=True)
class Second:
    at: int  # publish second (epoch)
    readings: int
    p50_ms: float
    p99_ms: float


def lag_by_second(database_url: str, since: float) -> tuple[list[Second], float]:
    """Per publish second: readings committed and their lag; and the time of the last commit."""
    sync_url = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(sync_url) as conn:
        rows = conn.execute(
            "SELECT floor(extract(epoch FROM ts))::bigint, count(*),"
            " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - ts)),"
            " percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - ts))"
            " FROM readings WHERE ts >= to_timestamp(%s) GROUP BY 1 ORDER BY 1",
            (since,),
        ).fetchall()
        last = conn.execute(
            "SELECT extract(epoch FROM max(received_at)) FROM readings WHERE ts >= to_timestamp(%s)", (since,)
        ).fetchone()
    seconds = [Second(int(s), int(n), float(p50) * 1000, float(p99) * 1000) for s, n, p50, p99 in rows]
    return seconds, float(last[0]) if last and last[0] is not None else since


def accepted(base: str) -> int:
    return int(httpx.get(f"{base}/api/health", timeout=10).json()["ingest"]["accepted"])


def drain(base: str, expected: int, within: float) -> int:
    """Wait until the hub has committed ``expected`` readings (or ``within`` s passed); what it has."""
    deadline = time.monotonic() + within
    while (done := accepted(base)) < expected and time.monotonic() < deadline:
        time.sleep(0.5)
    return done


def window_lag(database_url: str, since: float, until: float) -> tuple[float, float]:
    """Lag p50 and p99 (ms) of every reading published from ``since`` to ``until``."""
    sync_url = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(sync_url) as conn:
        row = conn.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - ts)),"
            " percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - ts))"
            " FROM readings WHERE ts >= to_timestamp(%s) AND ts < to_timestamp(%s)",
            (since, until),
        ).fetchone()
    if row is None or row[0] is None:
        return float("nan"), float("nan")
    return float(row[0]) * 1000, float(row[1]) * 1000


def run(sites: int, seconds: int, readings: int, publishers: int, every: int = 1) -> None:
    print(
        f"fleet: {sites:,} sites × {readings} readings at 1 Hz for {seconds} s, {publishers} publishers,"
        f" a message every {every} s"
    )
    with bench_hub.own_mosquitto() as port, bench_hub.fresh_database() as database_url:
        bench_hub.MQTT_PORT = port
        community = f"f{uuid.uuid4().hex[:10]}"
        with bench_hub.running_hub_process(database_url, community) as base:
            print("warm-up: one message per site (registers the sites) …", flush=True)
            warm = Load(community, sites, 1, readings, publishers, time.time() + 1, first_seq=0)
            offer(warm, port)
            if drain(base, sites * readings, 120) < sites * readings:
                raise SystemExit("the hub did not take the warm-up in 120 s: try fewer --sites")
            before = accepted(base)
            start = float(int(time.time()) + 2)  # whole seconds, so windows are whole seconds
            load = Load(
                community, sites, seconds, readings, publishers, start, first_seq=readings, every=every
            )
            print("measuring …", flush=True)
            published, late, finished = offer(load, port)
            expected = published * load.per_message
            done = drain(base, before + expected, 120) - before
            per_second, last_commit = lag_by_second(database_url, start)
            first50, first99 = window_lag(database_url, start, start + WINDOW)
            last50, last99 = window_lag(database_url, start + seconds - WINDOW, start + seconds)
    # Over the time the generator took: its schedule's seconds, or longer if it fell behind.
    offered = expected / max(float(seconds), finished - start)
    sustained = done / (last_commit - start)
    print("\nsecond  readings  lag p50 ms  lag p99 ms")
    for s in per_second:
        print(f"{s.at - int(start):>6} {s.readings:>9,} {s.p50_ms:>11,.0f} {s.p99_ms:>11,.0f}")
    flat = last99 / first99 if first99 else float("inf")
    goal = sites * readings
    kept_up = sustained >= 0.95 * offered and done == expected
    rows = [
        ("readings/s offered by the generator", f"{offered:,.0f}", f"{goal:,}", offered >= 0.95 * goal),
        ("  its worst lateness behind schedule", f"{late * 1000:,.0f} ms", "—", None),
        (
            "readings/s the hub committed",
            f"{sustained:,.0f}",
            f"≥ {offered:,.0f}",
            sustained >= 0.95 * offered,
        ),
        ("  committed of published", f"{done:,} of {expected:,}", "all", done == expected),
        (f"lag p50, first {WINDOW} s", f"{first50:,.0f} ms", "—", None),
        (f"lag p99, first {WINDOW} s", f"{first99:,.0f} ms", "≤ 1,000 ms", first99 <= 1000),
        (f"lag p50, last {WINDOW} s", f"{last50:,.0f} ms", "—", None),
        (f"lag p99, last {WINDOW} s", f"{last99:,.0f} ms", "≤ 1,000 ms", last99 <= 1000),
        # Flat means something only while the hub keeps up: a backlog queued in the broker from
        # the first second on keeps the lag high, and flat, too.
        ("flat: last p99 ÷ first p99, keeping up", f"{flat:.2f}×", f"≤ {FLAT}×", flat <= FLAT and kept_up),
    ]
    print(f"\n{'figure':40} {'value':>20} {'goal':>12}  met")
    for figure, value, target, met in rows:
        mark = "—" if met is None else ("yes" if met else "no")
        print(f"{figure:40} {value:>20} {target:>12}  {mark}")
    print("\nlag: publish → the hub's write of the batch (received_at - ts), per second of publishing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000, help="simulated sites (10,000)")
    parser.add_argument("--seconds", type=int, default=60, help="seconds of load (60)")
    parser.add_argument(
        "--readings", type=int, default=4, help="readings per message: site and 3 devices (4)"
    )
    parser.add_argument("--publishers", type=int, default=2, help="generator processes (2)")
    parser.add_argument(
        "--every", type=int, default=1, help="seconds between a site's messages, as publish_every_s (1)"
    )
    args = parser.parse_args()
    if args.seconds < 2 * WINDOW:
        parser.error(
            f"--seconds must be at least {2 * WINDOW}: the first and the last {WINDOW} s are compared"
        )
    if args.every < 1 or args.seconds % args.every:
        parser.error("--every must be at least 1 and divide --seconds")
    run(args.sites, args.seconds, args.readings, args.publishers, args.every)


if __name__ == "__main__":
    main()
