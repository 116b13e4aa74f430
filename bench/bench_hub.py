"""Hub benchmarks: MQTT → PostgreSQL ingest through Mosquitto at QoS 1, and /ws fan-out.

Prints one table: each figure, its goal, and its ratio to a baseline measured in the same
run on this machine (a bare aiomqtt subscriber for ingest, and for batched ingest also a
``COPY`` of the same rows into the same PostgreSQL; a bare ``websockets`` broadcast server for
/ws). Needs PostgreSQL (POWERSHARE_TEST_PG, default 127.0.0.1:5432/test) and
the mosquitto binary (the bench runs its own broker, tuned for bursts). Every run uses a fresh
database and its own community, so runs never meet. The ingest part is bounded to well under
3 minutes; the /ws part (1,000, 5,000 and 10,000 clients: p50, p95, p99 and the server's peak
memory, each beside the bare server's) takes about 4.

    .venv/bin/python bench/bench_hub.py [--quick] [--only ingest|ws]

The hub process sets Python's garbage collector as every hub does, in its lifespan
(``hub.core.gc_tuning``).
BENCH_PROFILE=<file> profiles the hub process (cProfile).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiomqtt
import httpx
import psycopg
import uvloop
import websockets
from ws_load import LoadResult, raise_open_files_limit, run_load

PG_ADMIN = os.environ.get("POWERSHARE_TEST_PG", "postgresql://127.0.0.1:5432/test")
MQTT_HOST = "127.0.0.1"
MQTT_PORT = 0  # set by main(): a Mosquitto of our own, configured for bursts
MOSQUITTO_CONF = """listener {port} 127.0.0.1
allow_anonymous true
persistence false
# Mosquitto's default (1000 queued messages per client) silently drops QoS 1 messages
# when a subscriber falls a second behind at 10k msg/s; a hub's broker needs far more.
max_queued_messages 1000000
# The same window as deploy/mosquitto/powershare.conf: the hub acknowledges a message only
# once it is committed, so the window caps its rate and bounds its memory.
max_inflight_messages 5000
max_inflight_bytes 20000000
"""
WARM_UP = 1000  # messages before measuring: registers the sites, fills caches
ADMIN = ("bench@powershare.local", "bench-password-123")


@dataclass
class Row:
    figure: str
    value: float
    unit: str
    goal: str
    baseline: float | None
    higher_is_better: bool = True

    def ratio(self) -> str:
        if not self.baseline:
            return "—"
        ratio = self.value / self.baseline if self.higher_is_better else self.baseline / self.value
        return f"{ratio:.2f}×"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def fresh_database() -> Iterator[str]:
    name = f"powershare_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        try:
            yield f"{base}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- payloads ----------------------------------------------------------------------------


def reading(seq: int, ts: float) -> dict[str, Any]:
    """A site snapshot as agents send it: powers and energy counters."""

    def w(v: float) -> dict[str, Any]:
        return {"value": v, "unit": "W"}

    def wh(v: float) -> dict[str, Any]:
        return {"value": v, "unit": "Wh"}

    return {
        "seq": seq,
        "ts": datetime.fromtimestamp(ts, UTC).isoformat(),
        "device": "site",
        "values": {
            "pv_w": w(2500.0),
            "load_w": w(800.0),
            "grid_w": w(-1500.0),
            "battery_w": w(-200.0),
            "import_wh": wh(1000.0 + seq * 0.1),
            "export_wh": wh(5000.0 + seq * 0.4),
            "production_wh": wh(9000.0 + seq * 0.7),
        },
    }


def topic(community: str, site: int) -> str:
    return f"powershare/v1/{community}/site-{site}/telemetry"


def telemetry(site: int, readings: list[dict[str, Any]]) -> bytes:
    return json.dumps({"v": 1, "site": f"site-{site}", "readings": readings}).encode()


READING = (
    '{{"seq":{seq},"ts":"{ts}","device":"site","values":{{"pv_w":{{"value":2500.0,"unit":"W"}},'
    '"load_w":{{"value":800.0,"unit":"W"}},"grid_w":{{"value":-1500.0,"unit":"W"}},'
    '"battery_w":{{"value":-200.0,"unit":"W"}},"import_wh":{{"value":{imp},"unit":"Wh"}},'
    '"export_wh":{{"value":{exp},"unit":"Wh"}},"production_wh":{{"value":{prod},"unit":"Wh"}}}}}}'
)


# Stands in for every reading's timestamp while messages are rendered ahead of time; each
# message gets the real time when it is handed to its publisher (same length, one replace).
TS_MARK = b"2000-01-01T00:00:00.000000+00:00"


def fast_telemetry(site: int, first_seq: int, count: int, ts: str) -> bytes:
    """The same message as ``telemetry(reading(…))``, formatted directly (the publisher must not be the bottleneck)."""
    readings = ",".join(
        READING.format(seq=q, ts=ts, imp=1000 + q * 0.1, exp=5000 + q * 0.4, prod=9000 + q * 0.7)
        for q in range(first_seq, first_seq + count)
    )
    return f'{{"v":1,"site":"site-{site}","readings":[{readings}]}}'.encode()


def now_stamp() -> bytes:
    return datetime.now(UTC).isoformat(timespec="microseconds").encode()


PUBLISHERS = 20  # mosquitto_pub processes, one site each


def render(messages: int, per_message: int, start_seq: int = 1) -> list[bytes]:
    """The lines for ``publish``, made before the clock starts so it measures the hub, not this."""
    mark = TS_MARK.decode()
    return [
        fast_telemetry(n % PUBLISHERS, start_seq + (n // PUBLISHERS) * per_message, per_message, mark) + b"\n"
        for n in range(messages)
    ]


def publish(community: str, lines: list[bytes], rate: float | None = None) -> float:
    """Publish rendered telemetry messages at QoS 1 as fast as the broker takes them.

    Python clients top out near 7k msg/s here, below the goal being measured, so the
    messages go through ``mosquitto_pub -l`` (C), one process per site, fed line by line
    with the current time as each reading's timestamp; ``rate`` (msg/s) paces them, else
    they go as fast as the pipes take them. Returns the first publish time.
    """
    binary = shutil.which("mosquitto_pub")
    if binary is None:
        raise SystemExit("mosquitto_pub is needed (apt-get install mosquitto-clients)")
    publishers = [
        subprocess.Popen(
            [
                binary,
                "-h",
                MQTT_HOST,
                "-p",
                str(MQTT_PORT),
                "-q",
                "1",
                "-M",
                "1000",
                "-l",
                "-t",
                topic(community, site),
            ],
            stdin=subprocess.PIPE,
        )
        for site in range(PUBLISHERS)
    ]
    first = time.time()
    for n, line in enumerate(lines):
        stdin = publishers[n % PUBLISHERS].stdin
        assert stdin is not None
        stdin.write(line.replace(TS_MARK, now_stamp()))
        if rate is not None and n % PUBLISHERS == PUBLISHERS - 1:  # paced: one message per site, then wait
            for process in publishers:
                assert process.stdin is not None
                process.stdin.flush()
            time.sleep(max(0.0, first + (n + 1) / rate - time.time()))
    for process in publishers:
        assert process.stdin is not None
        process.stdin.close()
    for process in publishers:
        process.wait(120)
    return first


# --- baseline: a bare subscriber ------------------------------------------------------------


def bare_subscriber(community: str, expected: int, ready: Any, result: Any) -> None:
    async def run() -> None:
        async with aiomqtt.Client(MQTT_HOST, MQTT_PORT, identifier=f"bench-{uuid.uuid4().hex[:8]}") as client:
            await client.subscribe(f"powershare/v1/{community}/+/telemetry", qos=1)
            ready.set()
            count, first = 0, 0.0
            async for _message in client.messages:
                if count == 0:
                    first = time.time()
                count += 1
                if count == expected:
                    result.put((first, time.time()))
                    return

    asyncio.run(run())


def baseline_rate(messages: int, per_message: int) -> float:
    community = f"b{uuid.uuid4().hex[:10]}"
    ready = mp.Event()
    result: Queue[tuple[float, float]] = mp.Queue()
    process = mp.Process(target=bare_subscriber, args=(community, messages, ready, result))
    process.start()
    ready.wait(10)
    first_publish = publish(community, render(messages, per_message))
    _first, last = result.get(timeout=120)
    process.join(10)
    return messages * per_message / (last - first_publish)


# --- the hub in its own process --------------------------------------------------------------


@contextmanager
def own_mosquitto() -> Iterator[int]:
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        conf = Path(tmp) / "mosquitto.conf"
        conf.write_text(MOSQUITTO_CONF.format(port=port))
        process = subprocess.Popen(
            [binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_for(lambda: port_open(port), 10)
            yield port
        finally:
            process.terminate()
            process.wait(10)


def port_open(port: int) -> bool:
    try:
        with socket.create_connection((MQTT_HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def hub_process(
    database_url: str, http_port: int, community: str, mqtt_port: int, ready: Any, stop: Any
) -> None:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from hub.core.config import Settings
    from hub.db.engine import create_engine, migrate
    from hub.db.models import UserRole
    from hub.seed import ensure_user
    from hub.server import running_hub
    from powershare_wire.clock import WALL_CLOCK, Clock

    async def run() -> None:
        engine = create_engine(database_url)
        await migrate(engine)
        async with async_sessionmaker(engine)() as session:
            await ensure_user(session, ADMIN[0], ADMIN[1], UserRole.ADMIN)
            await session.commit()
        await engine.dispose()
        settings = Settings(
            database_url=database_url,
            mqtt_url=f"mqtt://{MQTT_HOST}:{mqtt_port}",
            mqtt_client_id=f"hub-bench-{uuid.uuid4().hex[:8]}",
            mqtt_community=community,
            http_port=http_port,
            ws_buffer=64,
        )
        async with running_hub(settings, log_level="error"):
            ready.set()
            while not stop.is_set():  # noqa: ASYNC110 (a multiprocessing event, set by another process)
                await asyncio.sleep(0.1)

    ws_impl = os.environ.get("BENCH_WS")  # e.g. "websockets": compare uvicorn's /ws implementations
    if ws_impl:
        import hub.server

        make_server = hub.server.uvicorn_server

        def uvicorn_server(settings: Settings, log_level: str = "info", clock: Clock = WALL_CLOCK) -> Any:
            server = make_server(settings, log_level, clock)
            server.config.ws = ws_impl
            return server

        hub.server.uvicorn_server = uvicorn_server

    profile_to = os.environ.get("BENCH_PROFILE")  # a file name: profile the hub process into it
    if profile_to:
        import cProfile

        cProfile.runctx("on_uvloop(run())", globals(), {"run": run, "on_uvloop": on_uvloop}, profile_to)
    else:
        on_uvloop(run())


def on_uvloop(main: Coroutine[Any, Any, None]) -> None:
    """Run as ``powershare-hub serve`` does: uvicorn picks uvloop when it is installed."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)


@contextmanager
def running_hub_process(database_url: str, community: str) -> Iterator[str]:
    with hub_process_and_pid(database_url, community) as (base, _pid):
        yield base


@contextmanager
def hub_process_and_pid(database_url: str, community: str) -> Iterator[tuple[str, int]]:
    """The hub's base URL and its process id (whose memory the /ws part reads)."""
    port = free_port()
    ready, stop = mp.Event(), mp.Event()
    process = mp.Process(target=hub_process, args=(database_url, port, community, MQTT_PORT, ready, stop))
    process.start()
    try:
        if not ready.wait(60):
            raise RuntimeError("the hub did not start")
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: httpx.get(f"{base}/api/health").json()["mqtt"]["connected"], 20)
        assert process.pid is not None
        yield base, process.pid
    finally:
        stop.set()
        process.join(20)
        if process.is_alive():
            process.terminate()
            process.join(5)


def wait_for(check: Callable[[], bool], within: float, every: float = 0.05) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark step did not finish in time")
        time.sleep(every)


def accepted(base: str) -> int:
    return int(httpx.get(f"{base}/api/health", timeout=10).json()["ingest"]["accepted"])


def ingest_run(
    base: str,
    database_url: str,
    community: str,
    messages: int,
    per_message: int,
    seq: int,
    rate: float | None = None,
) -> tuple[float, float]:
    """Readings/s from first publish to last commit, and p99 publish → commit in seconds."""
    lines = render(messages, per_message, seq)
    before = accepted(base)
    started = time.time()
    first = publish(community, lines, rate)
    wait_for(lambda: accepted(base) >= before + messages * per_message, 120, every=0.1)
    sync_url = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(sync_url) as conn:
        row = conn.execute(
            "SELECT extract(epoch FROM max(received_at)),"
            " percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - ts))"
            " FROM readings WHERE received_at >= to_timestamp(%s)",
            (started,),
        ).fetchone()
        assert row is not None  # an aggregate query always returns one row
        last, p99 = row
    return messages * per_message / (float(last) - first), float(p99)


# --- baseline: COPY the same rows ------------------------------------------------------------------


COPY_RUNS = 3


def copy_rate(database_url: str, since: float) -> list[float]:
    """Readings/s of ``COPY readings FROM STDIN`` with the rows the hub stored since ``since``.

    The same rows (under other site names, so none is a duplicate) into the same table, with its
    partitions and indexes, in the same PostgreSQL: what the database itself takes, without
    MQTT, validation or aggregates. The rows are read out first, so only the COPY and its
    commit are timed. One figure per run.
    """
    sync_url = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    columns = 'site_id, seq, ts, device, "values", received_at'
    rates = []
    with psycopg.connect(sync_url) as conn:
        for run in range(COPY_RUNS):
            query = (
                f"COPY (SELECT 'copy{run}-' || site_id, seq, ts, device, \"values\", received_at FROM readings"
                " WHERE received_at >= to_timestamp(%s) AND site_id NOT LIKE 'copy%%') TO STDOUT"
            )
            data = bytearray()
            with conn.cursor() as cursor, cursor.copy(query, (since,)) as out:
                for chunk in out:
                    data += chunk
            rows = data.count(b"\n")
            conn.commit()
            started = time.perf_counter()
            with conn.cursor() as cursor, cursor.copy(f"COPY readings ({columns}) FROM STDIN") as copy:
                copy.write(bytes(data))
            conn.commit()
            rates.append(rows / (time.perf_counter() - started))
    return rates


# --- /ws fan-out ---------------------------------------------------------------------------------


WS_CLIENTS = (1000, 5000, 10_000)
CLIENTS_PER_PROCESS = 5000  # one load process did as well as two up to here; 10,000 take two


@dataclass
class FanOut:
    load: LoadResult
    peak_rss_mb: float  # the server's resident memory at its highest during the run
    cpu_us_per_event: float  # the server's CPU per event per client, from the first update to the last


def fan_out(
    url: str, clients: int, seconds: int, send: Callable[[int], None], server_pid: int, cookie: str = ""
) -> FanOut:
    """One update per second for ``seconds`` to ``clients`` websocket clients (see ws_load),
    while the server's resident memory is watched.

    Raw-protocol clients: measured against the bare server, they cost about a quarter of the CPU
    per event of ``websockets`` clients; a second process only adds scheduling on two cores, so
    one carries up to 5,000 clients.
    """
    processes = -(-clients // CLIENTS_PER_PROCESS)
    cpu_at_update: list[float] = []

    def timed_send(n: int) -> None:
        cpu_at_update.append(cpu_s(server_pid))
        send(n)

    with PeakRss(server_pid) as rss:
        result = run_load(url, clients, seconds, timed_send, processes=processes, cookie=cookie)
    # The updates are a second apart and each is delivered well within it, so the CPU between the
    # first update and the last is that of (updates - 1) fan-outs, with none of the connecting.
    fan_outs = (len(cpu_at_update) - 1) * clients
    cpu_us = (cpu_at_update[-1] - cpu_at_update[0]) / fan_outs * 1e6 if fan_outs > 0 else float("nan")
    print(result.summary(), flush=True)
    print(
        f"    server's peak RSS {rss.peak_mb:,.0f} MB; server's CPU {cpu_us:.1f} µs per event per client; "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    return FanOut(result, rss.peak_mb, cpu_us)


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc): steadier than delays
    on a machine shared with other work."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class PeakRss:
    """The highest resident set size of a process while the block runs (Linux /proc)."""

    def __init__(self, pid: int, every_s: float = 0.2) -> None:
        self.pid, self.every_s = pid, every_s
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while True:
            self.peak_mb = max(self.peak_mb, rss_mb(self.pid))
            if self._stop.wait(self.every_s):
                return


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024  # kB
    return float("nan")


def bare_ws_server(port: int, updates: Any, ready: Any, stop: Any) -> None:
    """Baseline: the same fan-out with nothing but the ``websockets`` library's broadcast."""

    async def run() -> None:
        clients: set[Any] = set()

        async def handler(socket: Any) -> None:
            clients.add(socket)
            await socket.send('{"type":"hello"}')
            try:
                await socket.wait_closed()
            finally:
                clients.discard(socket)

        async with websockets.serve(handler, "127.0.0.1", port, max_queue=16):
            ready.set()
            loop = asyncio.get_running_loop()
            while not stop.is_set():
                text = await loop.run_in_executor(None, updates.get)
                if text is None:
                    return
                websockets.broadcast(clients, text)

    asyncio.run(run())


def update_text(n: int) -> str:
    """A reading event as the hub sends it (compact JSON, type first), stamped now."""
    event = {"type": "reading", "community": "bench", "site": "fan", "reading": reading(n, time.time())}
    return json.dumps(event, separators=(",", ":"))


# --- main ------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (a smoke test)")
    parser.add_argument("--only", choices=["ingest", "ws"], help="run one part")
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0
    single = int(60_000 * scale)  # messages of one reading
    batched = int(3_000 * scale)  # messages of 100 readings
    rows: list[Row] = []
    # The hub and the bare server, started from here, each hold every /ws client's socket.
    raise_open_files_limit(max(WS_CLIENTS) + 1000)
    with own_mosquitto() as port:
        global MQTT_PORT
        MQTT_PORT = port
        run_all(args.quick, args.only, single, batched, rows)
    print_table(rows)


def run_all(quick: bool, only: str | None, single: int, batched: int, rows: list[Row]) -> None:
    if only != "ws":
        print("baseline: bare aiomqtt subscriber …", flush=True)
        base_single = baseline_rate(single, 1)
        base_batched = baseline_rate(batched, 100)

    with fresh_database() as database_url:
        community = f"c{uuid.uuid4().hex[:10]}"
        with hub_process_and_pid(database_url, community) as (base, hub_pid):
            print("hub: warm-up …", flush=True)
            ingest_run(base, database_url, community, WARM_UP, 1, seq=1)
            if only != "ws":
                shapes = [
                    (1, single, 10_000, "msg/s", base_single),
                    (100, batched, 500, "readings/s", base_batched),
                ]
                seq = 1_000
                for per_message, messages, goal_rate, unit, baseline in shapes:
                    what = f"{per_message} reading{'s' if per_message > 1 else ''}/message"
                    print(f"hub: {what}, as fast as it goes …", flush=True)
                    since = time.time()
                    rate, p99 = ingest_run(base, database_url, community, messages, per_message, seq)
                    seq += messages * per_message
                    goal = goal_rate * per_message
                    rows.append(Row(f"ingest, {what}", rate, unit, f"≥ {goal:,}", baseline))
                    if per_message > 1:
                        print("baseline: COPY of the same rows into the same PostgreSQL …", flush=True)
                        copies = sorted(copy_rate(database_url, since))
                        print("  COPY readings/s: " + ", ".join(f"{r:,.0f}" for r in copies), flush=True)
                        copied = copies[len(copies) // 2]  # the median run
                        rows.append(Row("  the same, against COPY (median)", rate, unit, "≥ 0.5×", copied))
                    # Publishers that outrun the hub queue messages in the broker: this delay
                    # grows with the run's length, so it is shown, not held to the goal.
                    rows.append(Row("  p99 publish → commit, flooded", p99 * 1000, "ms", "—", None, False))
                    print(f"hub: {what}, paced at the goal ({goal:,} {unit}) …", flush=True)
                    paced = goal_rate * (2 if quick else 6)  # seconds of load
                    _rate, p99 = ingest_run(
                        base, database_url, community, paced, per_message, seq, rate=goal_rate
                    )
                    seq += paced * per_message
                    rows.append(
                        Row(
                            f"  p99 publish → commit at {goal:,} {unit}",
                            p99 * 1000,
                            "ms",
                            "≤ 1,000",
                            None,
                            False,
                        )
                    )
            if only == "ingest":
                return

            token = httpx.post(
                f"{base}/api/auth/login", json=dict(zip(("email", "password"), ADMIN, strict=True))
            ).json()["token"]
            from hub.auth.tokens import COOKIE_NAME

            ws_url = base.replace("http://", "ws://") + "/ws"
            session = f"{COOKIE_NAME}={token}"  # signed in as a browser is: no token in the URL

            next_seq = iter(range(5_000_000, 6_000_000))  # every update is a new reading, never a replay

            async def one_update(_n: int) -> None:
                async with aiomqtt.Client(MQTT_HOST, MQTT_PORT) as client:
                    payload = telemetry(0, [reading(next(next_seq), time.time())])
                    await client.publish(topic(community, 0), payload, qos=1)

            seconds = 5 if quick else 10
            # What the peak RSS rows add to: the hub with no /ws client (after any ingest part).
            rows.append(Row("/ws: hub's RSS before any client", rss_mb(hub_pid), "MB", "—", None, False))
            for clients in WS_CLIENTS:
                print(f"/ws: {clients} clients, bare websockets baseline …", flush=True)
                port = free_port()
                updates: Queue[str | None] = mp.Queue()
                ready, stop = mp.Event(), mp.Event()
                server = mp.Process(target=bare_ws_server, args=(port, updates, ready, stop))
                server.start()
                ready.wait(20)

                def send_bare(n: int, q: Queue[str | None] = updates) -> None:
                    q.put(update_text(n))

                assert server.pid is not None
                bare = fan_out(f"ws://127.0.0.1:{port}", clients, seconds, send_bare, server.pid)
                stop.set()
                updates.put(None)
                server.join(10)
                print(f"/ws: {clients} clients, hub …", flush=True)
                hub = fan_out(
                    ws_url, clients, seconds, lambda n: asyncio.run(one_update(n)), hub_pid, session
                )
                rows += ws_rows(clients, hub, bare)


def ws_rows(clients: int, hub: FanOut, bare: FanOut) -> list[Row]:
    """Publish → received delays (the issue's goal is on p99) and the server's memory, each
    beside the bare broadcast server's at the same number of clients."""
    rows = [
        Row(
            f"/ws {clients:,} clients, 1 update/s: p{p}",
            hub.load.percentile(p) * 1000,
            "ms",
            "≤ 250" if p == 99 else "—",
            bare.load.percentile(p) * 1000,
            False,
        )
        for p in (50, 95, 99)
    ]
    rows.append(Row("  hub's peak RSS", hub.peak_rss_mb, "MB", "—", bare.peak_rss_mb, False))
    rows.append(
        Row(
            "  server CPU per event per client", hub.cpu_us_per_event, "µs", "—", bare.cpu_us_per_event, False
        )
    )
    rows.append(
        Row(
            f"  events delivered (of {hub.load.expected:,})",
            hub.load.delivered,
            "",
            "all",
            bare.load.delivered,
        )
    )
    return rows


def print_table(rows: list[Row]) -> None:
    print()
    print(f"{'figure':40} {'value':>12} {'unit':11} {'goal':>10} {'baseline':>10} {'ratio':>7}")
    for row in rows:
        baseline = f"{row.baseline:,.0f}" if row.baseline else "—"
        print(
            f"{row.figure:40} {row.value:>12,.0f} {row.unit:11} {row.goal:>10} {baseline:>10} {row.ratio():>7}"
        )
    print("\nratio: hub ÷ baseline for rates, baseline ÷ hub for delays (1.00× = as fast as the bare tool)")


if __name__ == "__main__":
    main()
