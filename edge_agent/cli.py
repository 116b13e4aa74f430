"""``powershare-agent run --config FILE`` and ``powershare-agent doctor HOST:PORT|/dev/tty… [--unit-id N]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

from edge_agent.config import AgentConfig, ConfigError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="powershare-agent", description="PowerShare edge agent")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="read devices and publish to the hub")
    run.add_argument("--config", required=True, help="path to agent.toml")
    doctor = commands.add_parser("doctor", help="scan one Modbus endpoint and explain what is there")
    doctor.add_argument("target", help="HOST:PORT (Modbus TCP) or a serial port such as /dev/ttyUSB0")
    doctor.add_argument("--unit-id", type=int, default=None, help="probe only this unit id")
    doctor.add_argument("--baudrate", type=int, default=9600, help="serial speed (RTU only)")
    doctor.add_argument("--parity", choices=["N", "E", "O"], default="N", help="serial parity (RTU only)")
    doctor.add_argument("--timeout", type=float, default=2.0, help="seconds to wait for each answer")
    return parser


async def _run_until_signalled(config: AgentConfig) -> None:
    from edge_agent.app import run_agent

    task = asyncio.create_task(run_agent(config))
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command == "run":
        try:
            config = AgentConfig.load(args.config)
        except ConfigError as exc:
            print(exc, file=sys.stderr)
            return 2
        asyncio.run(_run_until_signalled(config))
        return 0
    from edge_agent.doctor import doctor

    return asyncio.run(doctor(args.target, args.unit_id, args.baudrate, args.parity, args.timeout))


if __name__ == "__main__":
    sys.exit(main())
