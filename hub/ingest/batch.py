"""A batch of accepted messages, gathered while the batch before it is being written.

Each message is sorted in as it is taken from the queue: its raw readings, its statuses and
its site snapshots, gathered per site. When the batch is sealed (:meth:`Batch.seal`, just
before it is handed to the writer) each site's snapshots are booked in one go: the interval
bookings they would add (a ``Plan``) and the site's newest snapshot. The writer then only has
to store the batch, so working this out overlaps the database's work on earlier batches
instead of adding to it; booking per site rather than per message sorts and chains a site's
readings once per batch, where one reading a message would pay for both every time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from hub.ingest.aggregates import SITE_DEVICE, Plan
from hub.ingest.raw_rows import RawRows
from powershare_wire import Reading, Status, Telemetry


@dataclass(frozen=True, slots=True)
class Accepted:
    community: str
    message: Telemetry | Status
    # Called once the message is committed (or refused): the MQTT consumer acknowledges it then.
    done: Callable[[], None] | None = None
    newest: datetime = field(default_factory=lambda: datetime.now(UTC))  # its newest timestamp: for the lag


Latest = dict[str, tuple[str, Reading]]  # site → (community, its newest snapshot)


def keep_newest(latest: Latest, site: str, community: str, snapshots: list[Reading]) -> None:
    """Remember the newest of ``snapshots`` for ``site`` if it is newer than what ``latest`` holds."""
    newest = max(snapshots, key=_by_time)
    current = latest.get(site)
    if current is None or newest.ts > current[1].ts:
        latest[site] = (community, newest)


def _by_time(reading: Reading) -> datetime:
    return reading.ts


@dataclass
class Batch:
    plan: Plan
    items: list[Accepted] = field(default_factory=list)
    rows: RawRows = field(default_factory=RawRows)
    statuses: list[Status] = field(default_factory=list)
    latest: Latest = field(default_factory=dict)  # if every reading turns out to be new; set by seal
    size: int = 0  # readings and statuses
    # Site snapshots gathered so far, per site (with its community), booked by seal.
    snapshots: dict[str, tuple[str, list[Reading]]] = field(default_factory=dict)

    def add(self, item: Accepted) -> None:
        self.items.append(item)
        message = item.message
        if isinstance(message, Status):
            self.statuses.append(message)
            self.size += 1
            return
        self.rows.add_message(message)
        self.size += len(message.readings)
        snapshots = [r for r in message.readings if r.device == SITE_DEVICE]
        if not snapshots:
            return
        gathered = self.snapshots.get(message.site)
        if gathered is None:
            self.snapshots[message.site] = (item.community, snapshots)
        else:
            gathered[1].extend(snapshots)

    def seal(self) -> None:
        """Book the gathered snapshots into the plan and keep each site's newest; once, when
        the batch goes to the writer (the plan builds on the heads of batches sealed before)."""
        for site, (community, snapshots) in self.snapshots.items():
            self.plan.add(site, snapshots)
            keep_newest(self.latest, site, community, snapshots)
        self.snapshots = {}

    @classmethod
    def unplanned(cls, plan: Plan, items: Iterable[Accepted]) -> Batch:
        """A batch booked from what it stores, on the heads committed when it is written.

        For messages written again out of their turn (the halves of a refused batch): a plan
        made now would build on the heads of batches sealed after theirs, only to be found
        unusable when written (``Plan.usable``).
        """
        plan.in_order = False  # a plan out of order books nothing and is never used
        batch = cls(plan)
        for item in items:
            batch.add(item)
        batch.seal()
        return batch

    def acknowledge(self) -> None:
        for item in self.items:
            if item.done is not None:
                item.done()
