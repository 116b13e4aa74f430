"""Register images and in-memory links for agent tests (the real sims are in firmware_sims/)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from edge_agent.sunspec.codec import Raw, encode
from edge_agent.sunspec.maps import COMMON, MODELS, SUNS_MARKER
from edge_agent.sunspec.transport import DeviceRefused, LinkError, read_span  # noqa: F401

JSON_LENGTH = {
    1: 66,
    101: 50,
    102: 50,
    103: 50,
    111: 60,
    112: 60,
    113: 60,
    124: 24,
    160: 48,
    701: 153,
    713: 7,
    802: 62,
    201: 105,
    202: 105,
    203: 105,
    204: 105,
    211: 124,
    212: 124,
    213: 124,
    214: 124,
}


@dataclass
class ModelSpec:
    model_id: int
    points: Mapping[str, Raw] = field(default_factory=dict)
    length: int | None = None  # None: the JSON length; set to mimic devices that deviate


def model_block(spec: ModelSpec) -> list[int]:
    length = spec.length if spec.length is not None else JSON_LENGTH[spec.model_id]
    block = [spec.model_id, length] + [0] * length
    model = MODELS[spec.model_id]
    for name, value in spec.points.items():
        point = model.by_sunspec[name]
        registers = encode(point.type, value, point.size)
        block[point.offset : point.offset + len(registers)] = registers
    return block[: 2 + length]


def device_image(serial: str, models: Sequence[ModelSpec], common_length: int = 66) -> list[int]:
    """Registers from the base address on: marker, Common, the models, end marker."""
    common = ModelSpec(
        COMMON.model_id,
        {"Mn": "TestCo", "Md": "Model X", "Vr": "1.2.3", "SN": serial, "DA": 1},
        length=common_length,
    )
    image = list(SUNS_MARKER) + model_block(common)
    for spec in models:
        image += model_block(spec)
    return [*image, 65535, 0]


class MemoryLink:
    """A RegisterLink over dicts: unit id → {address: value}. Missing registers are refused."""

    description = "memory"

    def __init__(self, units: Mapping[int, Mapping[int, int]]) -> None:
        self.units = {unit: dict(regs) for unit, regs in units.items()}
        self.reads: list[tuple[int, int, int]] = []
        self.writes: list[tuple[int, int, list[int]]] = []

    @classmethod
    def single(cls, image: Sequence[int], base: int = 40000, unit_id: int = 1) -> MemoryLink:
        return cls({unit_id: {base + i: v for i, v in enumerate(image)}})

    async def connect(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def read(self, unit_id: int, address: int, count: int) -> list[int]:
        assert 1 <= count <= 125, count
        self.reads.append((unit_id, address, count))
        regs = self.units.get(unit_id)
        if regs is None:
            raise LinkError(f"unit {unit_id} does not answer")
        try:
            return [regs[a] for a in range(address, address + count)]
        except KeyError:
            raise DeviceRefused(2, address) from None

    async def write(self, unit_id: int, address: int, values: Sequence[int]) -> None:
        self.writes.append((unit_id, address, list(values)))
        regs = self.units[unit_id]
        for i, value in enumerate(values):
            regs[address + i] = value


@asynccontextmanager
async def serve_image(
    image: Sequence[int], port: int, base: int = 40000, unit_id: int = 1
) -> AsyncIterator[None]:
    """Serve a register image over Modbus TCP on 127.0.0.1:port (writable)."""
    device = SimDevice(id=unit_id, simdata=[SimData(base, values=list(image), datatype=DataType.REGISTERS)])
    server = ModbusTcpServer(device, address=("127.0.0.1", port))
    await server.serve_forever(background=True)
    try:
        yield
    finally:
        await server.shutdown()  # type: ignore[no-untyped-call]
