"""Which readings of each site the hub is done with, told back to its agent (``telemetry/ack``).

An agent deletes a reading from its spool only once the hub is done with it: stored (its
transaction committed), or refused for good. The broker's PUBACK is not enough: a broker that
crashes before saving its sessions forgets what it held for the hub (#12).

Per site the hub keeps a watermark (every seq up to it is done) and the runs of done readings
above it. Runs matter because the hub cannot tell a reading that is late (lost by a broker, to
be sent again) from one that will never come (dropped from a full spool): a watermark alone
would either stall behind such a gap or pass readings that are still on their way. The agent
deletes what the watermark and the runs cover and sends the rest again.

What the hub knows lives in memory only. A restarted hub starts with nothing known, which only
costs copies: agents send again what stays unconfirmed and the (site, seq) key drops them.

Pure bookkeeping: the writer reports what it finished, :meth:`AckBook.flush` hands each site
whose state changed to ``post`` (the hub's MQTT link publishes it, retained, on its own task),
coalesced per site, so a commit of a thousand readings costs one message per site.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from datetime import datetime

from powershare_wire import TelemetryAck
from powershare_wire import topics as wire_topics
from powershare_wire.messages import MAX_ACK_RANGES
from powershare_wire.topics import Kind

Post = Callable[[str, bytes], None]  # topic, payload: queues it for publishing, never blocks


class DoneSeqs:
    """The done sequence numbers of one site: everything up to ``watermark``, plus ``runs``."""

    def __init__(self, limit: int = MAX_ACK_RANGES) -> None:
        self.watermark = -1
        self._firsts: list[int] = []  # runs above the watermark, apart, ascending
        self._lasts: list[int] = []
        self._limit = limit

    @property
    def runs(self) -> list[tuple[int, int]]:
        return list(zip(self._firsts, self._lasts, strict=True))

    def add(self, seqs: Iterable[int]) -> None:
        for first, last in _runs(sorted(set(seqs))):
            self._add_run(first, last)

    def _add_run(self, first: int, last: int) -> None:
        if last <= self.watermark:
            return
        first = max(first, self.watermark + 1)
        firsts, lasts = self._firsts, self._lasts
        # The runs this one touches (overlaps or adjoins) merge with it.
        lo = bisect.bisect_left(lasts, first - 1)
        hi = bisect.bisect_right(firsts, last + 1)
        if lo < hi:
            first, last = min(first, firsts[lo]), max(last, lasts[hi - 1])
        firsts[lo:hi], lasts[lo:hi] = [first], [last]
        if firsts[0] == self.watermark + 1:
            self.watermark = lasts[0]
            del firsts[0], lasts[0]
        if len(firsts) > self._limit:
            # Forgetting a run only costs copies: its agent sends those readings again. The
            # lowest go first, as they are the likeliest to have been confirmed already.
            del firsts[0], lasts[0]

    def covers(self, seq: int) -> bool:
        if seq <= self.watermark:
            return True
        at = bisect.bisect_right(self._firsts, seq) - 1
        return at >= 0 and seq <= self._lasts[at]


def _runs(ordered: list[int]) -> Iterable[tuple[int, int]]:
    if not ordered:
        return
    first = last = ordered[0]
    for seq in ordered[1:]:
        if seq != last + 1:
            yield first, last
            first = seq
        last = seq
    yield first, last


class AckBook:
    """Every site's :class:`DoneSeqs`, and which sites changed since the last :meth:`flush`."""

    def __init__(self, post: Post | None = None) -> None:
        self.post = post  # None: nobody to tell (tests, a hub without a broker link)
        self._sites: dict[tuple[str, str], DoneSeqs] = {}
        self._changed: set[tuple[str, str]] = set()

    def done(self, community: str, site: str, seqs: Iterable[int]) -> None:
        key = (community, site)
        known = self._sites.get(key)
        if known is None:
            known = self._sites[key] = DoneSeqs()
        known.add(seqs)
        self._changed.add(key)

    def site(self, community: str, site: str) -> DoneSeqs | None:
        return self._sites.get((community, site))

    def flush(self, now: datetime) -> None:
        """Post the ack of every site that changed; cheap, never blocks (``post`` queues)."""
        changed, self._changed = self._changed, set()
        if self.post is None:
            return
        for community, site in changed:
            known = self._sites[(community, site)]
            ack = TelemetryAck(site=site, seq=known.watermark, ranges=known.runs, ts=now)
            self.post(wire_topics.topic(community, site, Kind.TELEMETRY_ACK), ack.model_dump_json().encode())
