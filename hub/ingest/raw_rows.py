"""Insert a batch of raw readings and learn which were new, as fast as each database allows.

PostgreSQL gets one ``INSERT … SELECT FROM json_to_recordset(%s)``: the whole batch is one
JSON parameter, made of the validated MQTT payloads as they arrived, so neither SQLAlchemy
nor psycopg builds, parses or escapes a statement with tens of thousands of placeholders,
and no reading is serialised again. ``ON CONFLICT DO NOTHING`` skips readings seen before;
the row count says whether any were, and only then are the new ones looked up (they carry
this batch's ``received_at``), which spares returning a row per reading in the usual case.
The table is partitioned by day of ``ts`` (``hub.db.partitions``) and keyed by (site, seq, ts),
so the lookup names each reading's time too: PostgreSQL then probes only the partition that can
hold it, instead of every day kept. SQLite takes SQLAlchemy's multi-row insert with ``RETURNING``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncConnection

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

    @property
    def everything(self) -> bool:
        return self.keys is None

    def __contains__(self, key: tuple[str, int]) -> bool:
        return self.keys is None or key in self.keys


@dataclass
class RawRows:
    """The readings of one batch: whole messages, unpacked per reading only where needed (SQLite)."""

    messages: list[Telemetry] = field(default_factory=list)
    payloads: list[bytes] = field(default_factory=list)  # Telemetry JSON, one per message
    count: int = 0

    def add_message(self, message: Telemetry, raw: bytes | None) -> None:
        self.messages.append(message)
        self.count += len(message.readings)
        self.payloads.append(raw if raw is not None else message.model_dump_json().encode())

    def __len__(self) -> int:
        return self.count

    async def insert(self, conn: AsyncConnection, insert: Any, now: datetime) -> Stored:
        if not self.count:
            return Stored(0)
        result: Any  # rows of (site_id, seq)
        if conn.dialect.name == "postgresql":
            params = {"now": now, "messages": (b"[" + b",".join(self.payloads) + b"]").decode()}
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
