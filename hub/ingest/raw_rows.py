"""Insert a batch of raw readings and learn which were new, as fast as each database allows.

PostgreSQL first gets the batch by ``COPY``, in a savepoint: almost every batch holds only
readings never seen, and COPY stores them at about twice the rate of any ``INSERT``. COPY
cannot skip a row it already has, so a batch holding a replay (an agent sending again what
the hub stored but could not confirm) fails there as a whole; the savepoint is rolled back
and the batch goes again the careful way. A batch the writer knows to hold a reading at or
before its site's chain head (a replay, most likely) goes that way at once. That way is one
``INSERT … SELECT FROM json_to_recordset(%s)``: the whole batch is one JSON parameter, and
``ON CONFLICT DO NOTHING`` skips readings seen before; the row count says whether any were,
and only then are the new ones looked up (they carry this batch's ``received_at``), which
spares returning a row per reading otherwise.
The table is partitioned by day of ``ts`` (``hub.db.partitions``) and keyed by (site, seq, ts),
so the lookup names each reading's time too: PostgreSQL then probes only the partition that can
hold it, instead of every day kept. SQLite takes SQLAlchemy's multi-row insert with ``RETURNING``.

Both PostgreSQL paths write what validation made of a reading, never the payload as it came: a
time with more than six decimals is cut to microseconds by pydantic and rounded by PostgreSQL,
so a replay stored by the other path would miss its first copy's key and be stored twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
import psycopg
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.db.bulk import copy_text
from hub.db.models import RawReading
from powershare_wire import Quantity, Telemetry

_values_json = TypeAdapter(dict[str, Quantity])

PG_INSERT = """
INSERT INTO readings (site_id, seq, ts, device, "values", received_at)
SELECT m.site, r.seq, r.ts, r.device, r."values", %(now)s
FROM json_to_recordset(%(messages)s::json) AS m(site varchar, readings json),
     json_to_recordset(m.readings) AS r(seq bigint, ts timestamptz, device varchar, "values" json)
ON CONFLICT DO NOTHING
"""

PG_COPY = 'COPY readings (site_id, seq, ts, device, "values", received_at) FROM STDIN'

PG_STORED_NOW = """
SELECT r.site_id, r.seq
FROM json_to_recordset(%(messages)s::json) AS m(site varchar, readings json),
     json_to_recordset(m.readings) AS k(seq bigint, ts timestamptz),
     readings AS r
WHERE r.site_id = m.site AND r.seq = k.seq AND r.ts = k.ts AND r.received_at = %(now)s
"""


@dataclass(frozen=True)
class Stored:
    """What one insert added: how many readings, and which, when not all of the batch."""

    count: int
    keys: set[tuple[str, int]] | None = None  # None: every reading of the batch was new
    copied: bool = False  # stored by COPY (PostgreSQL, a batch of new readings only)

    @property
    def everything(self) -> bool:
        return self.keys is None

    def __contains__(self, key: tuple[str, int]) -> bool:
        return self.keys is None or key in self.keys


@dataclass
class RawRows:
    """The readings of one batch, as whole messages."""

    messages: list[Telemetry] = field(default_factory=list)
    count: int = 0

    def add_message(self, message: Telemetry) -> None:
        self.messages.append(message)
        self.count += len(message.readings)

    def __len__(self) -> int:
        return self.count

    async def insert(
        self, conn: AsyncConnection, insert: Any, now: datetime, *, replays_likely: bool = False
    ) -> Stored:
        """Store the batch; ``replays_likely`` (a reading at or before its site's chain head)
        goes the careful way at once, sparing a COPY that would fail and be rolled back."""
        if not self.count:
            return Stored(0)
        result: Any  # rows of (site_id, seq)
        if conn.dialect.name == "postgresql":
            if not replays_likely and await self._copy_all(conn, now):
                return Stored(self.count, copied=True)
            # A replay in the batch, most likely: rare enough to serialise the messages again.
            params = {
                "now": now,
                "messages": "[" + ",".join(m.model_dump_json() for m in self.messages) + "]",
            }
            added = (await conn.exec_driver_sql(PG_INSERT, params)).rowcount
            if added == self.count:
                return Stored(added)
            result = await conn.exec_driver_sql(PG_STORED_NOW, params)
        else:
            rows = [
                {
                    "site_id": message.site,
                    "seq": r.seq,
                    "ts": r.ts,
                    "device": r.device,
                    "values": _values_json.dump_python(r.values, mode="json"),
                    "received_at": now,
                }
                for message in self.messages
                for r in message.readings
            ]
            result = await conn.execute(
                insert(RawReading).on_conflict_do_nothing().returning(RawReading.site_id, RawReading.seq),
                rows,
            )
        keys = {(str(row[0]), int(row[1])) for row in result}
        return Stored(len(keys), None if len(keys) == self.count else keys)

    async def _copy_all(self, conn: AsyncConnection, now: datetime) -> bool:
        """Whether COPY stored the whole batch; False (and nothing stored) if it refused any row."""
        received = now.isoformat()
        lines = []
        for message in self.messages:
            site = copy_text(message.site)
            for r in message.readings:
                # orjson writes JSON about ten times faster than the json module; COPY's text
                # format then wants its backslashes doubled (JSON escapes every other special).
                values = orjson.dumps(r.values).decode().replace("\\", "\\\\")
                lines.append(
                    f"{site}\t{r.seq}\t{r.ts.isoformat()}\t{copy_text(r.device)}\t{values}\t{received}\n"
                )
        driver: Any = (await conn.get_raw_connection()).driver_connection  # psycopg's, for its COPY
        try:
            async with (
                conn.begin_nested(),
                driver.cursor() as cursor,
                cursor.copy(PG_COPY) as copy,
            ):
                await copy.write("".join(lines).encode())
        except psycopg.Error:
            # A replay (unique violation), or a row the database refuses: the careful insert
            # skips the one and names the other (``Ingest`` then finds the message holding it).
            return False
        return True
