"""The collector setting a serving hub gets (hub.ingest.collector), checked in a process of its own:
it changes the whole process, so it must not change the test run's."""

from __future__ import annotations

import json
import subprocess
import sys

from hub.ingest.collector import YOUNG_GENERATION

PROBE = """
import gc, json
from hub.ingest.collector import settle_for_ingest
before = gc.get_threshold()
settle_for_ingest()
frozen = gc.get_freeze_count()
settle_for_ingest()  # a second call changes nothing
print(json.dumps({"before": before, "after": gc.get_threshold(), "frozen": frozen,
                  "again": gc.get_freeze_count()}))
"""


def test_start_up_objects_are_frozen_and_young_ones_collected_less_often_once() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    seen = json.loads(out.stdout)
    assert seen["frozen"] > 1000  # the modules' objects: no collection walks them any more
    assert seen["again"] == seen["frozen"]
    assert seen["after"] == [YOUNG_GENERATION, *seen["before"][1:]]
