"""Which class simulates which device kind, and building a device of a kind."""

from __future__ import annotations

from firmware_sims.battery import Battery
from firmware_sims.device import DeviceKind, SimulatedDevice, parse_variant
from firmware_sims.inverter import Inverter, Source
from firmware_sims.meter import Meter
from firmware_sims.physics.community import Home

DEVICE_CLASSES: dict[DeviceKind, type[SimulatedDevice]] = {
    DeviceKind.INVERTER: Inverter,
    DeviceKind.BATTERY: Battery,
    DeviceKind.METER: Meter,
}


def check_variant(kind: DeviceKind, variant: str) -> None:
    """Raise ValueError (listing the choices) unless ``variant`` suits ``kind``."""
    device_class = DEVICE_CLASSES[kind]
    parse_variant(kind, variant, device_class.variants, device_class.default_variant)


def build_device(
    kind: DeviceKind, home: Home, *, variant: str = "", unit_id: int = 1, seed: int = 0, source: str = "pv"
) -> SimulatedDevice:
    """A simulated ``kind`` in ``home``; ``source`` ("pv" or "wind") says what feeds an inverter."""
    device_class = DEVICE_CLASSES[kind]
    if device_class is Inverter:
        if source not in ("pv", "wind"):
            raise ValueError(f"source: expected pv or wind, got {source!r}")
        plant: Source = "wind" if source == "wind" else "pv"
        return Inverter(home, variant=variant, unit_id=unit_id, seed=seed, source=plant)
    if source != "pv":
        raise ValueError(f"source: only inverters have a source, a {kind.value} got {source!r}")
    return device_class(home, variant=variant, unit_id=unit_id, seed=seed)
