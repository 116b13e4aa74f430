"""A hub replica as a process of its own (``python -m tests.hub.replica_process``), configured by
its POWERSHARE_* environment, on the accelerated clock REPLICA_CLOCK_ANCHOR/_SPEED that its
sibling processes compute alike. Tests kill it with SIGKILL to see a crash, not a clean stop."""

from __future__ import annotations

import asyncio
import logging
import os

from hub.core.config import Settings
from hub.server import uvicorn_server
from tests.hub.replica_stack import SharedClock


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    clock = SharedClock(float(os.environ["REPLICA_CLOCK_ANCHOR"]), float(os.environ["REPLICA_CLOCK_SPEED"]))
    asyncio.run(uvicorn_server(Settings(), "warning", clock).serve())


if __name__ == "__main__":
    main()
