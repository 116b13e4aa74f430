"""How many simulated SunSpec devices one process serves at 1 Hz polling.

    python bench/bench_sims.py [--sizes 100,250,500] [--seconds 8]

For each size, a server process serves N devices (firmware_sims: a community of homes with
an inverter, a battery and a meter each, real-time clock, physics stepping every second) and a
separate client process polls every device's main model once per second over its own TCP
connection. The baseline is the same number of bare pymodbus servers with a static datastore,
measured in the same run. Reported: achieved polls per device per second, latency, and the
server process's CPU (100 % = one core).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

GOAL_DEVICES = 500
ROOT = Path(__file__).resolve().parents[1]


# --- server side -------------------------------------------------------------------------------
async def _serve_sim(devices: int) -> list[tuple[int, int, int]]:
    """Start ``devices`` simulated devices; return (port, address, count) of each main model."""
    from firmware_sims.community import run_community
    from firmware_sims.device import DeviceKind
    from firmware_sims.physics.specs import BatterySpec, HomePhysicsSpec, LoadSpec, PvSpec
    from firmware_sims.scenario import DeviceScenario, HomeScenario, Scenario

    homes = []
    kinds = (DeviceKind.INVERTER, DeviceKind.BATTERY, DeviceKind.METER)
    for index in range(math.ceil(devices / 3)):
        wanted = kinds[: min(3, devices - 3 * index)]
        physics = HomePhysicsSpec(
            f"h{index:04d}",
            51.32 + (index % 20) * 0.001,
            9.16 + (index // 20) * 0.001,
            LoadSpec(3000 + index % 7 * 300),
            pv=PvSpec(5 + index % 5),
            battery=BatterySpec(10000, 5000, 5000),
        )
        homes.append(
            HomeScenario(physics.home_id, "hybrid", physics, tuple(DeviceScenario(k, port=0) for k in wanted))
        )
    scenario = Scenario(name="bench", homes=tuple(homes), seed=1)
    stack = run_community(scenario)
    community = await stack.__aenter__()
    _KEEP.append(stack)
    targets = []
    for device in community.devices:
        image = device.device.image
        model_id = device.device.variants[device.device.variant][1].model_id
        start = image.model_start[model_id]
        targets.append((device.port, image.base + start, image.regs[start + 1] + 2))
    return targets


async def _serve_baseline(devices: int) -> list[tuple[int, int, int]]:
    """Bare pymodbus servers with a static block, read like the simulator's main models."""
    from pymodbus.server import ModbusTcpServer
    from pymodbus.simulator import DataType, SimData, SimDevice

    counts = (52, 64, 107)  # 103, 802, 203 with their headers
    targets = []
    for index in range(devices):
        block = SimDevice(1, simdata=[SimData(40000, count=200, values=0x1234, datatype=DataType.REGISTERS)])
        server = ModbusTcpServer(block, address=("127.0.0.1", 0))
        await server.serve_forever(background=True)
        sockets = getattr(server.transport, "sockets", None) or []  # an asyncio.Server
        port = int(sockets[0].getsockname()[1])
        _KEEP.append(server)
        targets.append((port, 40070, counts[index % 3]))
    return targets


_KEEP: list[Any] = []


async def server_main(mode: str, devices: int) -> None:
    targets = await (_serve_sim(devices) if mode == "sim" else _serve_baseline(devices))
    print(json.dumps(targets), flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if line.strip() == "cpu":
            print(json.dumps(time.process_time()), flush=True)
        else:
            os._exit(0)  # the parent is done with us; skip an orderly teardown of 1000 sockets


# --- client side -------------------------------------------------------------------------------
async def _poll(
    port: int, address: int, count: int, offset: float, until: float, stats: dict[str, Any]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    transaction = 0
    next_at = time.monotonic() + offset
    while next_at < until:
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        transaction = (transaction + 1) & 0xFFFF
        sent = time.monotonic()
        writer.write(struct.pack(">HHHBBHH", transaction, 0, 6, 1, 3, address, count))
        header = await reader.readexactly(9)
        if header[7] & 0x80:
            stats["errors"] += 1
        else:
            await reader.readexactly(header[8])
        if stats["measuring"]:
            stats["polls"] += 1
            stats["latency"].append(time.monotonic() - sent)
        next_at += 1.0
    writer.close()


async def client_main(warmup: float, seconds: float) -> None:
    targets = json.loads(sys.stdin.readline())
    stats: dict[str, Any] = {"polls": 0, "errors": 0, "latency": [], "measuring": False}
    start = time.monotonic()
    until = start + warmup + seconds
    tasks = [
        asyncio.create_task(_poll(port, address, count, i / len(targets), until, stats))
        for i, (port, address, count) in enumerate(targets)
    ]
    await asyncio.sleep(warmup)
    stats["measuring"] = True
    await asyncio.sleep(seconds)
    stats["measuring"] = False
    await asyncio.gather(*tasks, return_exceptions=True)
    latency = sorted(stats["latency"]) or [math.nan]
    print(
        json.dumps(
            {
                "rate": stats["polls"] / seconds / len(targets),
                "errors": stats["errors"],
                "p50_ms": latency[len(latency) // 2] * 1000,
                "p99_ms": latency[int(len(latency) * 0.99)] * 1000,
            }
        ),
        flush=True,
    )


# --- orchestration -----------------------------------------------------------------------------
def _spawn(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, __file__, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _ask(process: subprocess.Popen[str], line: str) -> Any:
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def measure(mode: str, devices: int, warmup: float, seconds: float) -> dict[str, float]:
    server = _spawn("--role", "server", "--mode", mode, "--devices", str(devices))
    try:
        assert server.stdout is not None
        targets = server.stdout.readline()
        client = _spawn("--role", "client", "--warmup", str(warmup), "--seconds", str(seconds))
        assert client.stdin is not None
        assert client.stdout is not None
        client.stdin.write(targets)
        client.stdin.flush()
        time.sleep(warmup)
        cpu_start, wall_start = _ask(server, "cpu"), time.monotonic()
        time.sleep(seconds)
        cpu_end, wall_end = _ask(server, "cpu"), time.monotonic()
        result: dict[str, float] = json.loads(client.stdout.readline())
        client.wait(timeout=30)
        result["cpu_pct"] = (cpu_end - cpu_start) / (wall_end - wall_start) * 100
        return result
    finally:
        if server.stdin is not None:
            server.stdin.write("quit\n")
            server.stdin.flush()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100,250,500", help="comma-separated device counts")
    parser.add_argument("--seconds", type=float, default=8.0, help="measurement window per run")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument(
        "--role", choices=["parent", "server", "client"], default="parent", help=argparse.SUPPRESS
    )
    parser.add_argument("--mode", choices=["sim", "baseline"], default="sim", help=argparse.SUPPRESS)
    parser.add_argument("--devices", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "server":
        asyncio.run(server_main(args.mode, args.devices))
        return
    if args.role == "client":
        asyncio.run(client_main(args.warmup, args.seconds))
        return
    try:
        sizes = [int(size) for size in args.sizes.split(",")]
    except ValueError:
        parser.error(f"argument --sizes: expected comma-separated integers, got {args.sizes!r}")
    print(f"firmware_sims benchmark: 1 Hz polling of each device's main model, {os.cpu_count()} CPUs")
    print(
        f"{'devices':>7} {'mode':<9} {'polls/dev/s':>11} {'p50 ms':>7} {'p99 ms':>7} {'server CPU':>10} {'errors':>6}"
    )
    results: dict[tuple[str, int], dict[str, float]] = {}
    for size in sizes:
        for mode in ("baseline", "sim"):
            r = measure(mode, size, args.warmup, args.seconds)
            results[(mode, size)] = r
            print(
                f"{size:>7} {mode:<9} {r['rate']:>11.3f} {r['p50_ms']:>7.2f} {r['p99_ms']:>7.2f} "
                f"{r['cpu_pct']:>9.1f}% {int(r['errors']):>6}",
                flush=True,
            )
    print()
    print(f"{'figure':<44} {'value':>9} {'goal':>22} {'vs baseline':>12}")
    for size in sizes:
        sim, base = results[("sim", size)], results[("baseline", size)]
        ratio = sim["cpu_pct"] / base["cpu_pct"] if base["cpu_pct"] > 0 else math.nan
        print(
            f"{f'server CPU, {size} devices at 1 Hz':<44} {sim['cpu_pct']:>8.1f}% {'< 100 % (one core)':>22} {ratio:>11.2f}x"
        )
        print(
            f"{f'polls per device per second, {size} devices':<44} {sim['rate']:>9.3f} {'>= 0.99':>22} "
            f"{sim['rate'] / base['rate'] if base['rate'] else math.nan:>11.2f}x"
        )
    largest = max(sizes)
    sim = results[("sim", largest)]
    headroom = largest * 100 / sim["cpu_pct"] if sim["cpu_pct"] > 0 else math.inf
    print(f"{'devices one core could serve (extrapolated)':<44} {headroom:>9.0f} {f'>= {GOAL_DEVICES}':>22}")
    ok = sim["rate"] >= 0.99 and sim["cpu_pct"] < 100 and largest >= GOAL_DEVICES
    print(f"goal ({GOAL_DEVICES} devices on one core at 1 Hz): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
