"""Find a SunSpec device on a link: probe base addresses and unit ids, walk the model chain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from edge_agent.sunspec.codec import decode
from edge_agent.sunspec.maps import COMMON, END_MODEL_ID, SUNS_MARKER
from edge_agent.sunspec.transport import DeviceRefused, LinkError, RegisterLink, read_span

# Exception codes a gateway (or a multi-unit server) answers for a unit id that is not there.
NO_SUCH_UNIT = {10, 11}

BASE_ADDRESSES = (40000, 0, 50000)
# Common factory ids first (Fronius/SolarEdge 1, SMA 126, Fronius meter 240), then a short sweep.
AUTO_UNIT_IDS = (1, 126, 240, 2, 3, 4, 5, 6, 7, 8, 9, 10)
MAX_MODELS = 64


@dataclass(frozen=True, slots=True)
class ModelLocation:
    model_id: int
    address: int  # of the ID register
    length: int  # L as read from the device

    @property
    def end(self) -> int:
        return self.address + 2 + self.length


@dataclass(frozen=True, slots=True)
class Identity:
    manufacturer: str
    model: str
    version: str
    serial: str


@dataclass(frozen=True, slots=True)
class Layout:
    unit_id: int
    base: int
    models: tuple[ModelLocation, ...]
    identity: Identity

    @property
    def model_ids(self) -> list[int]:
        return [m.model_id for m in self.models]


class DiscoveryError(Exception):
    """Nothing SunSpec was found; the message says what was seen and what to try."""


async def walk_models(link: RegisterLink, unit_id: int, base: int) -> tuple[ModelLocation, ...]:
    """Follow ``[ID][L]`` headers from ``base + 2``, trusting L as read (devices deviate from the JSON)."""
    models: list[ModelLocation] = []
    address = base + 2
    while len(models) < MAX_MODELS and address + 2 <= 0x10000:
        try:
            model_id, length = await link.read(unit_id, address, 2)
        except DeviceRefused:
            break  # a chain without end marker: stop at the last readable header
        if model_id == END_MODEL_ID:
            break
        models.append(ModelLocation(model_id, address, length))
        address += 2 + length
    return tuple(models)


async def read_identity(link: RegisterLink, unit_id: int, common: ModelLocation) -> Identity:
    count = min(2 + common.length, 2 + 66)
    registers = await read_span(link, unit_id, common.address, count)
    texts: dict[str, str] = {}
    for point in COMMON.points:
        if point.offset + point.width <= len(registers):
            value = decode(point.type, registers[point.offset : point.offset + point.width])
            texts[point.sunspec] = value if isinstance(value, str) else ""
    return Identity(texts.get("Mn", ""), texts.get("Md", ""), texts.get("Vr", ""), texts.get("SN", ""))


async def probe_unit(
    link: RegisterLink, unit_id: int, bases: Sequence[int] = BASE_ADDRESSES
) -> Layout | None:
    """The layout at ``unit_id``, ``None`` if it answers without a SunSpec marker.

    Raises :class:`LinkError` when the unit does not answer at all.
    """
    for base in bases:
        try:
            marker = await link.read(unit_id, base, 2)
        except DeviceRefused as exc:
            if exc.code in NO_SUCH_UNIT:
                raise LinkError(f"unit {unit_id}: {exc}") from exc
            continue
        if tuple(marker) != SUNS_MARKER:
            continue
        models = await walk_models(link, unit_id, base)
        if not models or models[0].model_id != COMMON.model_id:
            raise DiscoveryError(
                f"unit {unit_id} has the SunS marker at {base} but its first model is "
                f"{models[0].model_id if models else 'missing'}, not 1 (Common)"
            )
        identity = await read_identity(link, unit_id, models[0])
        return Layout(unit_id, base, models, identity)
    return None


async def discover(
    link: RegisterLink, unit_ids: Sequence[int], bases: Sequence[int] = BASE_ADDRESSES
) -> Layout:
    """Probe each unit id at each base address; the first SunSpec device found wins."""
    await link.connect()
    silent: list[int] = []
    not_sunspec: list[int] = []
    for unit_id in unit_ids:
        try:
            layout = await probe_unit(link, unit_id, bases)
        except LinkError:
            silent.append(unit_id)
            continue
        if layout is not None:
            return layout
        not_sunspec.append(unit_id)
    raise DiscoveryError(_explain(link.description, bases, silent, not_sunspec))


def _explain(where: str, bases: Sequence[int], silent: list[int], not_sunspec: list[int]) -> str:
    base_list = ", ".join(str(b) for b in bases)
    if not_sunspec:
        ids = ", ".join(str(u) for u in not_sunspec)
        return (
            f"{where}: unit id(s) {ids} answer but have no SunSpec marker ('SunS') at {base_list}; "
            "the device may not speak SunSpec (check that SunSpec/Modbus is enabled in its settings) "
            "or the marker sits at a vendor-specific base address"
        )
    ids = ", ".join(str(u) for u in silent)
    return (
        f"{where}: the port is open but no unit answered (tried unit id(s) {ids}); "
        "check the unit id in the device's Modbus settings, or the device may be asleep "
        "(inverters often stop answering at night)"
    )
