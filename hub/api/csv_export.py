"""CSV downloads: a header, rows, an attachment name; energy as exact kWh text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from fastapi.responses import Response

# For a route's ``responses=``: the OpenAPI schema says the body is text/csv.
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}
KWH_STEP = Decimal("0.001")  # one Wh: energy is whole Wh, so kWh text never rounds


def kwh(wh: int) -> str:
    return str((Decimal(wh) / 1000).quantize(KWH_STEP))


def csv_response(columns: Sequence[str], rows: Iterable[Sequence[object]], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
