"""The hub's clock, so the dashboard shows the time the hub lives in (demo time in the demo)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, Field

from hub.api.state import StateDep

router = APIRouter(tags=["clock"])


class ClockOut(BaseModel):
    now: AwareDatetime = Field(description="The hub's current time (UTC)")
    speed: float = Field(gt=0, description="Clock seconds per wall second: 1 in production, 60 in the demo")


@router.get("/clock", operation_id="clock-get")
async def get_clock(state: StateDep) -> ClockOut:
    """The hub's time and how fast it runs; no sign-in needed (it is no secret)."""
    clock = state["clock"]
    return ClockOut(now=clock.now(), speed=clock.speed)
