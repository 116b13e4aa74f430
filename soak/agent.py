"""One edge agent of the soak, in a process of its own so that it can be killed with ``kill -9``.

``python -m soak.agent CONFIG.json --ack-timeout-s S``: the agent as ``powershare-agent run``
runs it, with the configuration as JSON (the soak writes it) and the time after which an
unconfirmed reading is sent again compressed along with the soak's other times.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
from pathlib import Path

from edge_agent import mqtt_link
from edge_agent.app import run_agent
from edge_agent.config import AgentConfig, ConfigError


async def _run_until_terminated(config: AgentConfig) -> None:
    task = asyncio.create_task(run_agent(config))
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m soak.agent", description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path, help="the agent configuration, as JSON")
    parser.add_argument("--ack-timeout-s", type=float, default=mqtt_link.ACK_TIMEOUT_S)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = AgentConfig.from_mapping(json.loads(args.config.read_text()), source=args.config.name)
    except ConfigError as exc:
        sys.exit(str(exc))
    mqtt_link.ACK_TIMEOUT_S = args.ack_timeout_s
    mqtt_link.MAX_ACK_TIMEOUT_S = min(mqtt_link.MAX_ACK_TIMEOUT_S, args.ack_timeout_s * 4)
    asyncio.run(_run_until_terminated(config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
