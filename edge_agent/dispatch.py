"""Battery dispatch from the hub: validate, clamp to limits and SoC reserve, execute, revert.

Every command ends in a revert: at the end of its duration, when the SoC reaches its bound,
when a newer command supersedes it, or when the agent stops. On 124 batteries the device's own
revert timer (refreshed every :data:`HEARTBEAT_S`) also covers a crashed agent or a lost hub.

Command times (``issued_at``, ``duration_s``, ``until``) are in the agent's clock: the wall
clock on real hardware, the demo's shared clock in the demo. The heartbeat and the check
cadence are wall seconds (they pace I/O). A device counts its revert timer in its own
seconds, which on a simulator share the agent's clock and so run ``clock.speed`` times faster
than wall seconds: :func:`revert_timer_s` converts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import ValidationError

from edge_agent.battery_control import ControlError
from edge_agent.capabilities import DispatchableBattery
from edge_agent.config import AgentConfig
from edge_agent.device_slot import DeviceSlot
from edge_agent.sunspec.transport import DeviceRefused, LinkError
from powershare_wire import DispatchAck, DispatchCommand, DispatchMode, DispatchOutcome
from powershare_wire.cancellation import cancel_and_wait, raise_if_cancelling
from powershare_wire.clock import WALL_CLOCK, Clock

log = logging.getLogger(__name__)

HEARTBEAT_S = 60  # wall s: how often an active command is re-written (its device revert timer renewed)
CHECK_S = 1.0  # wall s: how often an active command checks SoC bounds and its end
WRITE_ERRORS = (LinkError, DeviceRefused, ControlError, TimeoutError)


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of validating a command against the battery's limits."""

    outcome: DispatchOutcome
    power_w: float
    reason: str | None = None


def decide(
    command: DispatchCommand,
    max_charge_w: float | None,
    max_discharge_w: float | None,
    soc_pct: float | None,
    reserve_pct: float,
    max_soc_pct: float,
) -> Decision:
    """Pure policy: clamp to the device's ratings, refuse to cross the SoC bounds."""
    mode = command.mode
    if mode is DispatchMode.IDLE:
        return Decision(DispatchOutcome.ACCEPTED, 0.0)
    if soc_pct is None:
        return Decision(DispatchOutcome.REJECTED, 0.0, "battery state of charge unknown")
    if mode is DispatchMode.DISCHARGE and soc_pct <= reserve_pct:
        return Decision(
            DispatchOutcome.REJECTED, 0.0, f"SoC {soc_pct:g}% is at or below the reserve {reserve_pct:g}%"
        )
    if mode is DispatchMode.CHARGE and soc_pct >= max_soc_pct:
        return Decision(DispatchOutcome.REJECTED, 0.0, f"SoC {soc_pct:g}% is at or above {max_soc_pct:g}%")
    limit = max_discharge_w if mode is DispatchMode.DISCHARGE else max_charge_w
    if limit is None or limit <= 0:
        return Decision(DispatchOutcome.REJECTED, 0.0, f"battery reports no maximum {mode.value} power")
    if command.power_w > limit:
        return Decision(
            DispatchOutcome.CLAMPED, limit, f"{command.power_w:g} W exceeds the {limit:g} W rating"
        )
    return Decision(DispatchOutcome.ACCEPTED, command.power_w)


def revert_timer_s(remaining_s: float, margin_s: float, speed: float) -> int:
    """The device revert timer, in device seconds, for a command with ``remaining_s`` clock
    seconds left: it must outlast the next heartbeat (``HEARTBEAT_S`` wall seconds) plus the
    margin (wall seconds), and device seconds pass ``speed`` times faster than wall seconds.
    With the wall clock (``speed`` 1) this is ``min(remaining, HEARTBEAT_S) + margin``."""
    remaining = max(math.ceil(remaining_s), 1)
    return min(remaining, math.ceil(HEARTBEAT_S * speed)) + math.ceil(margin_s * speed)


@dataclass(slots=True)
class Active:
    command: DispatchCommand
    battery: DispatchableBattery
    power_w: float
    until: datetime
    task: asyncio.Task[None] | None = None
    end_reason: tuple[DispatchOutcome, str | None] | None = None


class Dispatcher:
    def __init__(
        self,
        config: AgentConfig,
        slots: Sequence[DeviceSlot],
        send: Callable[[DispatchAck], None],
        clock: Clock = WALL_CLOCK,
    ) -> None:
        self.config = config
        self.slots = slots
        self.send = send
        self.clock = clock
        self.active: dict[str, Active] = {}  # battery serial → running command
        self._tasks: asyncio.TaskGroup | None = None

    async def run(self) -> None:
        async with asyncio.TaskGroup() as tasks:
            self._tasks = tasks
            await asyncio.Event().wait()

    def _ack(
        self,
        command_id: str,
        outcome: DispatchOutcome,
        power_w: float = 0.0,
        until: datetime | None = None,
        reason: str | None = None,
    ) -> None:
        ack = DispatchAck(
            id=command_id,
            site=self.config.site,
            outcome=outcome,
            power_w=power_w,
            until=until,
            reason=reason,
            ts=self.clock.now(),
        )
        log.info(
            "dispatch %s: %s %g W%s", command_id, outcome.value, power_w, f" ({reason})" if reason else ""
        )
        self.send(ack)

    def _battery(self, serial: str | None) -> DispatchableBattery | str:
        batteries: list[DispatchableBattery] = []
        for slot in self.slots:
            device = slot.device
            if isinstance(device, DispatchableBattery) and serial in (None, device.serial):
                batteries.append(device)
        if not batteries:
            return f"no controllable battery {serial}" if serial else "this site has no controllable battery"
        return batteries[0]

    async def handle(self, payload: bytes) -> None:
        try:
            command = DispatchCommand.model_validate_json(payload)
        except ValidationError as exc:
            log.warning("invalid dispatch command ignored: %s", exc.errors()[:1])
            self._reject_invalid(payload, exc)
            return
        if command.site != self.config.site:
            self._ack(command.id, DispatchOutcome.REJECTED, reason=f"command is for site {command.site}")
            return
        now = self.clock.now()
        until = min(command.issued_at, now) + timedelta(seconds=command.duration_s)
        if until <= now:
            self._ack(command.id, DispatchOutcome.REJECTED, reason="command expired before it arrived")
            return
        battery = self._battery(command.device)
        if isinstance(battery, str):
            self._ack(command.id, DispatchOutcome.REJECTED, reason=battery)
            return
        decision = decide(
            command,
            battery.max_charge_w(),
            battery.max_discharge_w(),
            battery.soc_pct(),
            self._reserve(battery),
            self.config.dispatch.max_soc_pct,
        )
        if decision.outcome is DispatchOutcome.REJECTED:
            self._ack(command.id, decision.outcome, reason=decision.reason)
            return
        previous = self.active.pop(battery.serial, None)
        if previous is not None and previous.task is not None:
            previous.end_reason = (DispatchOutcome.REVERTED, f"superseded by {command.id}")
            previous.task.cancel()
        try:
            await self._write(battery, command.mode, decision.power_w, until)
        except WRITE_ERRORS as exc:
            self._ack(command.id, DispatchOutcome.REJECTED, reason=f"battery write failed: {exc}")
            return
        self._ack(command.id, decision.outcome, decision.power_w, until, decision.reason)
        active = Active(command, battery, decision.power_w, until)
        self.active[battery.serial] = active
        if self._tasks is not None:
            active.task = self._tasks.create_task(self._supervise(active), name=f"dispatch-{command.id}")

    def _reject_invalid(self, payload: bytes, exc: ValidationError) -> None:
        """Ack a malformed command when its id can be read, so the hub is not left waiting."""
        try:
            data = json.loads(payload)
        except ValueError:
            return
        command_id = data.get("id") if isinstance(data, dict) else None
        if isinstance(command_id, str) and 1 <= len(command_id) <= 64:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            self._ack(
                command_id, DispatchOutcome.REJECTED, reason=f"invalid command: {where}: {error['msg']}"
            )

    def _reserve(self, battery: DispatchableBattery) -> float:
        device_reserve = battery.reserve_pct()
        return max(self.config.dispatch.min_reserve_pct, device_reserve or 0.0)

    async def _write(
        self, battery: DispatchableBattery, mode: DispatchMode, power_w: float, until: datetime
    ) -> None:
        revert_s = revert_timer_s(
            (until - self.clock.now()).total_seconds(), self.config.dispatch.revert_margin_s, self.clock.speed
        )
        await asyncio.wait_for(battery.command(mode, power_w, revert_s), 10)

    async def _supervise(self, active: Active) -> None:
        """Keep the command alive until it ends, then hand the battery back and say why."""
        command, battery = active.command, active.battery
        outcome, reason = DispatchOutcome.COMPLETED, None
        last_write = asyncio.get_running_loop().time()
        try:
            while True:
                now = self.clock.now()
                if now >= active.until:
                    break
                soc = battery.soc_pct()
                if (
                    command.mode is DispatchMode.DISCHARGE
                    and soc is not None
                    and soc <= self._reserve(battery)
                ):
                    outcome, reason = DispatchOutcome.REVERTED, f"SoC reached the reserve ({soc:g}%)"
                    break
                if (
                    command.mode is DispatchMode.CHARGE
                    and soc is not None
                    and soc >= self.config.dispatch.max_soc_pct
                ):
                    outcome, reason = DispatchOutcome.COMPLETED, f"SoC reached {soc:g}%"
                    break
                # Re-write on the heartbeat, or at once if the device dropped our mode (its revert
                # timer ran early, e.g. a sim on a faster clock than ours, or another master wrote).
                stale = asyncio.get_running_loop().time() - last_write >= HEARTBEAT_S
                if stale or battery.in_effect() is False:
                    try:
                        await self._write(battery, command.mode, active.power_w, active.until)
                        last_write = asyncio.get_running_loop().time()
                    except WRITE_ERRORS as exc:
                        log.warning("dispatch %s: refresh failed: %s", command.id, exc)
                raise_if_cancelling()
                left_s = (active.until - now).total_seconds() / self.clock.speed
                await asyncio.sleep(min(CHECK_S, max(left_s, 0.01)))
        except asyncio.CancelledError:
            outcome, reason = active.end_reason or (DispatchOutcome.REVERTED, "agent stopping")
            await self._finish(active, outcome, reason, release=active.end_reason is None)
            raise
        await self._finish(active, outcome, reason, release=True)

    async def _finish(
        self, active: Active, outcome: DispatchOutcome, reason: str | None, release: bool
    ) -> None:
        if self.active.get(active.battery.serial) is active:
            del self.active[active.battery.serial]
        if release:
            try:
                await asyncio.wait_for(active.battery.release(), 10)
            except WRITE_ERRORS as exc:
                # The device's revert timer (124) still returns it to its own control.
                log.warning("dispatch %s: release failed: %s", active.command.id, exc)
        self._ack(active.command.id, outcome, active.power_w, active.until, reason)

    async def release_all(self) -> None:
        """On shutdown: cancel every running command (each releases its battery and acks)."""
        await cancel_and_wait([a.task for a in self.active.values() if a.task is not None])
