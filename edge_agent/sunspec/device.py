"""A discovered SunSpec device: reads its known models in as few requests as possible."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from edge_agent.sunspec.codec import AccumulatorUnwrapper, Raw
from edge_agent.sunspec.decode import decode_block
from edge_agent.sunspec.discovery import Layout, ModelLocation
from edge_agent.sunspec.maps import MODELS, ModelKind
from edge_agent.sunspec.transport import MAX_READ, DeviceRefused, RegisterLink, read_span
from powershare_wire import Unit


@dataclass(slots=True)
class Sample:
    """One read of a device. The first model that defines a name wins (e.g. 802 before 124)."""

    values: dict[str, tuple[float | None, Unit]] = field(default_factory=dict)
    raw: dict[int, dict[str, Raw]] = field(default_factory=dict)  # model id → SunSpec point → raw
    problems: list[str] = field(default_factory=list)
    taken_at: float = 0.0  # time.monotonic() when the read finished

    def value(self, name: str) -> float | None:
        entry = self.values.get(name)
        return entry[0] if entry else None

    def point(self, model_id: int, sunspec: str) -> Raw:
        return self.raw.get(model_id, {}).get(sunspec)


def _spans(models: list[ModelLocation]) -> list[tuple[int, int]]:
    """Merge adjacent models into ``(address, count)`` spans, then cut them to MAX_READ."""
    merged: list[list[int]] = []
    for model in sorted(models, key=lambda m: m.address):
        if merged and merged[-1][1] == model.address:
            merged[-1][1] = model.end
        else:
            merged.append([model.address, model.end])
    spans: list[tuple[int, int]] = []
    for start, end in merged:
        while start < end:
            count = min(MAX_READ, end - start)
            spans.append((start, count))
            start += count
    return spans


class SunSpecDevice:
    """Reads every mapped model of one device (Common is read once, at discovery)."""

    def __init__(self, link: RegisterLink, layout: Layout) -> None:
        self.link = link
        self.layout = layout
        self.models = [m for m in layout.models if m.model_id in MODELS and m.model_id != 1]
        self._spans = _spans(self.models)
        self._unwrap = AccumulatorUnwrapper()

    @property
    def serial(self) -> str:
        """The device's identity on the wire. A device without SN (sentinel) falls back to where
        it is, which is stable as long as the wiring is."""
        serial = self.layout.identity.serial or f"{self.link.description}#{self.layout.unit_id}"
        return serial[:64]

    def kinds(self) -> set[ModelKind]:
        return {MODELS[m.model_id].kind for m in self.models}

    def location(self, model_id: int) -> ModelLocation | None:
        return next((m for m in self.models if m.model_id == model_id), None)

    async def read(self) -> Sample:
        """Read all mapped models. Link errors propagate; a refused model is reported and skipped."""
        image: dict[int, int] = {}
        problems: list[str] = []
        for address, count in self._spans:
            try:
                registers = await self.link.read(self.layout.unit_id, address, count)
            except DeviceRefused:
                # Some devices refuse a register inside a model: retry model by model.
                registers = []
                await self._read_models_within(address, count, image, problems)
            image.update(zip(range(address, address + len(registers)), registers, strict=True))
        sample = Sample(problems=problems, taken_at=time.monotonic())
        for model in self.models:
            if model.address not in image:
                continue
            block = [image.get(a, 0) for a in range(model.address, model.end)]
            decoded = decode_block(MODELS[model.model_id], block, self._unwrap)
            sample.raw[model.model_id] = decoded.raw
            for name, entry in decoded.values.items():
                if sample.values.get(name, (None,))[0] is None:
                    sample.values[name] = entry
        return sample

    async def _read_models_within(
        self, address: int, count: int, image: dict[int, int], problems: list[str]
    ) -> None:
        for model in self.models:
            if address <= model.address < address + count:
                try:
                    registers = await read_span(
                        self.link, self.layout.unit_id, model.address, model.end - model.address
                    )
                except DeviceRefused as exc:
                    problems.append(f"model {model.model_id}: {exc}")
                    continue
                image.update(zip(range(model.address, model.end), registers, strict=True))
