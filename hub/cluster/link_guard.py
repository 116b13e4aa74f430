"""Whether a replica is fit to hold leases: its ingest link to the broker is up, or has been down
for less than a grace.

A replica that holds a community's lease is the only one that ingests it (hub.mqtt.telemetry),
so a replica cut off from its broker while still renewing leaves that community's readings
piling up unconfirmed at the agents. Past the grace, the lease keeper hands such a replica's
communities to a replica whose link is up (hub.cluster.leases). The grace keeps a broker's
restart of a second or two from moving every community. Once unfit, a replica counts itself fit
again only after its link has stayed up for the grace too: a link that flaps would otherwise
move its communities away and back with every drop.

The link's state is sampled every ``WATCH_S`` on this process's monotonic clock rather than
read from the link's own timestamps, which are on the hub's (possibly accelerated) clock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

WATCH_S = 0.25  # how often the link's state is looked at: the error on "down since"

Monotonic = Callable[[], float]


class LinkGuard:
    def __init__(
        self, connected: Callable[[], bool], grace_s: float, clock: Monotonic = time.monotonic
    ) -> None:
        self.connected = connected
        self.grace_s = grace_s
        self.clock = clock
        # A replica starting is given the grace to connect, as if its link had just dropped.
        self._down_since: float | None = clock()
        self._up_since: float | None = None
        self._tripped = False  # down past the grace, and not yet up for as long since

    def look(self) -> None:
        """Note the link's state now: when it went down, or came back up, if it changed."""
        now = self.clock()
        if self.connected():
            self._down_since = None
            if self._up_since is None:
                self._up_since = now
            if self._tripped and now - self._up_since >= self.grace_s:
                self._tripped = False
        else:
            self._up_since = None
            if self._down_since is None:
                self._down_since = now
            if now - self._down_since >= self.grace_s:
                self._tripped = True

    def unfit_in(self) -> float | None:
        """Seconds until the grace is over (0 once over, and while a link back has not yet stayed
        up for the grace); None while the link is up and fit."""
        self.look()
        if self._tripped:
            return 0.0
        if self._down_since is None:
            return None
        return max(0.0, self._down_since + self.grace_s - self.clock())

    def fit(self) -> bool:
        left = self.unfit_in()
        return left is None or left > 0

    async def watch(self) -> None:
        """Look at the link until cancelled, so a drop is dated to within ``WATCH_S``."""
        while True:
            self.look()
            await asyncio.sleep(WATCH_S)


def always_fit() -> bool:
    """A keeper without a link to watch (tests of the leases alone)."""
    return True
