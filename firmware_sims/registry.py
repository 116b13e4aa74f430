"""Which class simulates which device kind."""

from __future__ import annotations

from firmware_sims.battery import Battery
from firmware_sims.device import DeviceKind, SimulatedDevice, parse_variant
from firmware_sims.inverter import Inverter
from firmware_sims.meter import Meter

DEVICE_CLASSES: dict[DeviceKind, type[SimulatedDevice]] = {
    DeviceKind.INVERTER: Inverter,
    DeviceKind.BATTERY: Battery,
    DeviceKind.METER: Meter,
}


def check_variant(kind: DeviceKind, variant: str) -> None:
    """Raise ValueError (listing the choices) unless ``variant`` suits ``kind``."""
    device_class = DEVICE_CLASSES[kind]
    parse_variant(kind, variant, device_class.variants, device_class.default_variant)
