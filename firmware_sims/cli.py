"""``powershare-sim``: serve one simulated SunSpec device, or a whole community.

powershare-sim device --kind inverter --variant three_phase --port 5020 [--unit-id 1] [--speed 60]
powershare-sim meter --serial-port /dev/ttyUSB0 [--baudrate 9600] [--parity N] --unit-id 240
powershare-sim community --scenario firmware_sims/scenarios/demo.toml [--control-port 8089]

``inverter``, ``battery`` and ``meter`` are ``device --kind …`` in short.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from firmware_sims.clock import SimClock
from firmware_sims.community import run_community
from firmware_sims.device import DeviceKind
from firmware_sims.faults import Fault
from firmware_sims.registry import check_variant
from firmware_sims.running import RunningCommunity, RunningDevice
from firmware_sims.scenario import DEFAULT_LAT, DEFAULT_LON, ScenarioError, load
from firmware_sims.serial_line import BAUDRATES, SerialLine
from firmware_sims.serve import serve_device

DEFAULT_PORT = 5020


def _ranged(
    kind: type[float] | type[int], low: float, high: float, what: str
) -> Callable[[str], float | int]:
    def convert(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    return convert


def _timestamp(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"expected an ISO time with zone like 2026-06-21T05:00:00Z, got {text!r}"
        )
    return value


def _add_device_flags(parser: argparse.ArgumentParser, *, with_kind: bool) -> None:
    if with_kind:
        parser.add_argument("--kind", required=True, choices=[k.value for k in DeviceKind])
    faults = ", ".join(f.value for f in Fault)
    parser.add_argument(
        "--variant",
        default="",
        help=f"model variant and/or faults joined by '+', e.g. three_phase+common_l65; faults: {faults}",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 for the LAN)")
    parser.add_argument(
        "--port", type=_ranged(int, 0, 65535, "a port 0..65535"), help=f"TCP port (default {DEFAULT_PORT})"
    )
    rtu = parser.add_argument_group("Modbus RTU (instead of TCP)")
    rtu.add_argument("--serial-port", help="answer Modbus RTU on this serial port, e.g. /dev/ttyUSB0")
    rtu.add_argument("--baudrate", type=int, choices=BAUDRATES, default=9600, help="serial speed")
    rtu.add_argument("--parity", choices=["N", "E", "O"], default="N", help="serial parity")
    rtu.add_argument("--stopbits", type=int, choices=[1, 2], default=1, help="serial stop bits")
    parser.add_argument("--unit-id", type=_ranged(int, 1, 247, "a unit id 1..247"), default=1)
    parser.add_argument(
        "--speed",
        type=_ranged(float, 1e-3, 1e6, "a speed factor > 0"),
        default=1.0,
        help="simulated seconds per real second (60 = an hour a minute)",
    )
    parser.add_argument("--start", type=_timestamp, help="simulated start time (ISO, with zone)")
    parser.add_argument("--lat", type=_ranged(float, -90, 90, "a latitude -90..90"), default=DEFAULT_LAT)
    parser.add_argument("--lon", type=_ranged(float, -180, 180, "a longitude -180..180"), default=DEFAULT_LON)
    parser.add_argument("--source", choices=["pv", "wind"], default="pv", help="inverters: what feeds them")
    parser.add_argument("--seed", type=_ranged(int, 0, 2**31 - 1, "a seed >= 0"), default=0)
    parser.add_argument(
        "--control-port",
        type=_ranged(int, 0, 65535, "a port 0..65535"),
        help="also serve the HTTP control surface on this port",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="powershare-sim", description="Simulated SunSpec devices over Modbus TCP"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_device_flags(commands.add_parser("device", help="serve one device"), with_kind=True)
    for kind in DeviceKind:
        _add_device_flags(
            commands.add_parser(kind.value, help=f"serve one {kind.value} (device --kind {kind.value})"),
            with_kind=False,
        )
    community = commands.add_parser("community", help="serve every device of a scenario file")
    community.add_argument("--scenario", required=True, help="TOML scenario file")
    community.add_argument(
        "--control-port",
        type=_ranged(int, 0, 65535, "a port 0..65535"),
        help="HTTP control surface port (overrides the file)",
    )
    community.add_argument(
        "--free-ports", action="store_true", help="ignore the file's ports, pick free ones"
    )
    return parser


def _describe(device: RunningDevice) -> str:
    faults = ",".join(sorted(f.value for f in device.faults)) or "-"
    return (
        f"{device.home_id:<16} {device.kind.value:<8} {device.variant:<18} {device.address:<15} "
        f"unit {device.unit_id:<3} base {device.base_address:<5} SN {device.serial}  faults {faults}"
    )


async def _forever() -> None:
    """Serve until Ctrl-C or SIGTERM (systemd, docker stop), then shut down in order."""
    stop = asyncio.Event()
    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()


def _serial_line(args: argparse.Namespace) -> SerialLine | None:
    if args.serial_port is None:
        return None
    return SerialLine(args.serial_port, args.baudrate, args.parity, args.stopbits)


async def _serve_device(kind: DeviceKind, args: argparse.Namespace) -> None:
    clock = (
        SimClock.real()
        if args.speed == 1 and args.start is None
        else SimClock.accelerated(args.speed, args.start)
    )
    async with serve_device(
        kind,
        args.variant,
        host=args.host,
        port=DEFAULT_PORT if args.port is None else args.port,
        unit_id=args.unit_id,
        clock=clock,
        lat=args.lat,
        lon=args.lon,
        seed=args.seed,
        source=args.source,
        control_port=args.control_port,
        serial=_serial_line(args),
    ) as device:
        print(_describe(device), flush=True)
        await _forever()


def _print_community(community: RunningCommunity) -> None:
    scenario = community.scenario
    print(
        f"{scenario.name}: {len(community.homes)} homes, clock {community.clock.mode.value} x{community.clock.speed:g}"
    )
    for device in community.devices:
        print(_describe(device))
    if community.control_port is not None:
        print(f"control: http://{scenario.host}:{community.control_port}/homes", flush=True)


async def _serve_community(args: argparse.Namespace) -> None:
    async with run_community(
        args.scenario_obj, free_ports=args.free_ports, control_port=args.control_port
    ) as c:
        _print_community(c)
        await _forever()


def _check_variant(parser: argparse.ArgumentParser, kind: DeviceKind, variant: str, source: str) -> None:
    try:
        check_variant(kind, variant)
    except ValueError as exc:
        parser.error(f"argument --variant: {exc}")
    if source == "wind" and kind is not DeviceKind.INVERTER:
        parser.error("argument --source: only inverters have a source")


def _run(parser: argparse.ArgumentParser, serving: Coroutine[Any, Any, None]) -> None:
    try:
        asyncio.run(serving)
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # e.g. the port is taken
        parser.exit(1, f"{parser.prog}: error: {exc}\n")


def main(cmdline: list[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(cmdline)
    if args.command != "community":
        kind = DeviceKind(args.kind if args.command == "device" else args.command)
        _check_variant(parser, kind, args.variant, args.source)
        if args.serial_port is not None and args.port is not None:
            parser.error("argument --port: a device on --serial-port has no TCP port; give one or the other")
        _run(parser, _serve_device(kind, args))
        return
    try:
        args.scenario_obj = load(args.scenario)
    except ScenarioError as exc:
        parser.error(f"argument --scenario: {exc}")
    _run(parser, _serve_community(args))


if __name__ == "__main__":
    main()
