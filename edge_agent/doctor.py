"""``powershare-agent doctor``: scan one Modbus endpoint and say what is there, or what to try."""

from __future__ import annotations

from edge_agent.devices import make_device
from edge_agent.inverter_state import state_lines
from edge_agent.sunspec.device import SunSpecDevice
from edge_agent.sunspec.discovery import AUTO_UNIT_IDS, DiscoveryError, discover
from edge_agent.sunspec.maps import MODELS
from edge_agent.sunspec.transport import DeviceRefused, LinkError, ModbusLink


def link_for_target(target: str, baudrate: int, parity: str, timeout_s: float) -> ModbusLink:
    if target.startswith("/") or target.upper().startswith("COM"):
        return ModbusLink.rtu(target, baudrate, parity, timeout_s=timeout_s)
    host, sep, port = target.rpartition(":")
    if not sep or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise SystemExit(f"doctor: expected HOST:PORT or a serial port such as /dev/ttyUSB0, got {target!r}")
    return ModbusLink.tcp(host, int(port), timeout_s)


async def doctor(target: str, unit_id: int | None, baudrate: int, parity: str, timeout_s: float) -> int:
    """Print findings; exit status 0 when a SunSpec device was read, 1 otherwise."""
    link = link_for_target(target, baudrate, parity, timeout_s)
    unit_ids = (unit_id,) if unit_id is not None else AUTO_UNIT_IDS
    print(f"scanning {link.description}, unit id(s) {', '.join(map(str, unit_ids))} …")
    try:
        try:
            await link.connect()
        except LinkError as exc:
            print(f"PROBLEM: {exc}")
            print("  try: check the address and port (Modbus TCP is usually 502), that the device is on,")
            print(
                "       and that Modbus TCP is enabled in its settings; for serial, check the cable and port"
            )
            return 1
        try:
            layout = await discover(link, unit_ids)
        except (DiscoveryError, LinkError) as exc:
            print(f"PROBLEM: {exc}")
            if unit_id is not None:
                print("  try: without --unit-id to probe the usual unit ids")
            return 1
        print(f"found SunSpec device at unit id {layout.unit_id}, base address {layout.base}")
        identity = layout.identity
        print(
            f"  manufacturer {identity.manufacturer or '?'}, model {identity.model or '?'}, version {identity.version or '?'}"
        )
        print(f"  serial number {identity.serial or '(none: the agent needs one to identify the device)'}")
        for model in layout.models:
            known = MODELS.get(model.model_id)
            name = known.label if known else "not read by the agent"
            print(f"  model {model.model_id:>5} at {model.address} length {model.length:>3}  {name}")
        device = make_device(SunSpecDevice(link, layout))
        print(f"  role: {device.role.value}")
        try:
            sample = await device.refresh()
        except (LinkError, DeviceRefused) as exc:
            print(f"PROBLEM reading live values: {exc}")
            print(
                "  try: the device may be asleep (inverters stop answering at night); run again in daylight"
            )
            return 1
        for name, (value, unit) in sample.values.items():
            shown = "not implemented" if value is None else f"{value:g} {unit.value}"
            print(f"    {name:<16} {shown}")
        for label, text in state_lines(sample.raw):
            print(f"    {label:<16} {text}")
        for problem in sample.problems:
            print(f"PROBLEM: {problem}")
        return 0 if not sample.problems else 1
    finally:
        await link.close()
