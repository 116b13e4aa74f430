"""``python -m soak`` (``make soak``): inject every fault on a simulated community, print the table.

Exits 0 when every fault ends with lost 0 and duplicated 0, 1 otherwise, 2 on a bad option or
a missing binary. The whole run is bounded by ``--budget-s`` (15 minutes by default).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from soak.faults import FAULTS, Timing
from soak.runner import Row, run_fault, table
from soak.services import ToolMissing
from soak.stack import Options, running_soak

DEFAULTS = Timing()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m soak", description=__doc__.splitlines()[0])
    p.add_argument("--homes", type=int, default=Options.homes, help="simulated homes, one agent each (6)")
    p.add_argument("--poll-s", type=float, default=Options.poll_s, help="agents' poll interval (0.5 s)")
    p.add_argument(
        "--partition-s",
        type=float,
        default=DEFAULTS.partition_s,
        help="how long agents are cut off from the broker (300 s: at a 0.5 s poll, the backlog of "
        "a 10-minute partition at the 1 s poll agents run with in the field)",
    )
    p.add_argument("--load-s", type=float, default=DEFAULTS.load_s, help="traffic before each fault (15 s)")
    p.add_argument("--down-s", type=float, default=DEFAULTS.down_s, help="downtime of a killed part (5 s)")
    p.add_argument(
        "--silent-s", type=float, default=DEFAULTS.silent_s, help="a silent device's silence (30 s)"
    )
    p.add_argument(
        "--recovery-s", type=float, default=DEFAULTS.recovery_s, help="longest recovery wait (180 s)"
    )
    p.add_argument(
        "--ack-timeout-s",
        type=float,
        default=Options.ack_timeout_s,
        help="agents send unconfirmed readings again after this (30 s, as shipped)",
    )
    p.add_argument("--fault", action="append", choices=list(FAULTS), help="run only these (repeatable)")
    p.add_argument("--budget-s", type=float, default=900, help="stop after this long in all (900 s)")
    p.add_argument("--dir", type=Path, help="keep logs, spools and broker files here (default: a temp dir)")
    return p


async def soak(args: argparse.Namespace) -> int:
    options = Options(homes=args.homes, poll_s=args.poll_s, ack_timeout_s=args.ack_timeout_s, root=args.dir)
    timing = Timing(
        load_s=args.load_s,
        down_s=args.down_s,
        partition_s=args.partition_s,
        silent_s=args.silent_s,
        recovery_s=args.recovery_s,
    )
    names = args.fault or list(FAULTS)
    rows: list[Row] = []
    died: list[str] = []
    began = time.monotonic()
    try:
        async with asyncio.timeout(args.budget_s), running_soak(options) as running:
            print(f"soak: {options.homes} homes, files in {running.root}", flush=True)
            for name in names:
                print(f"soak: {FAULTS[name][0]} …", flush=True)
                rows.append(await run_fault(running, name, timing))
                print(table(rows[-1:]).splitlines()[2], flush=True)
            died = await running.stop_hub_for_its_task_report()
    except TimeoutError:
        print(f"soak: stopped after its budget of {args.budget_s:.0f} s", file=sys.stderr)
    print()
    print(table(rows))
    print(f"\n{len(rows)} of {len(names)} faults in {time.monotonic() - began:.0f} s")
    for failure in died:
        print(f"a hub task died: {failure}")
    return 0 if len(rows) == len(names) and all(row.clean for row in rows) and not died else 1


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.homes < 1 or args.poll_s < 0.1:
        print("--homes must be at least 1 and --poll-s at least 0.1", file=sys.stderr)
        return 2
    try:
        return asyncio.run(soak(args))
    except ToolMissing as exc:
        print(f"soak: {exc}", file=sys.stderr)
        return 2
