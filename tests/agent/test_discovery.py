"""Discovery and decoding against in-memory register images of every model and layout variant."""

from __future__ import annotations

import pytest

from edge_agent.devices import Battery, ControllableBattery, Meter, PvInverter, make_device
from edge_agent.sunspec.device import SunSpecDevice
from edge_agent.sunspec.discovery import DiscoveryError, discover
from edge_agent.sunspec.transport import MAX_READ
from powershare_wire import Role
from tests.agent import images
from tests.agent.fakes import MemoryLink, ModelSpec, device_image

INT_INVERTER = {"W": 2500, "W_SF": 0, "WH": 123_456, "WH_SF": 0, "Hz": 5001, "Hz_SF": -2}
FLOAT_INVERTER = {"W": 2500.0, "WH": 123_456.0, "Hz": 50.01}
INT_METER = {"W": -700, "W_SF": 0, "TotWhImp": 4000, "TotWhExp": 9000, "TotWh_SF": 0}
FLOAT_METER = {"W": -700.0, "TotWhImp": 4000.0, "TotWhExp": 9000.0}

VARIANTS = [
    *[(mid, INT_INVERTER, Role.PV, {"w": 2500, "wh": 123_456, "hz": 50.01}) for mid in (101, 102, 103)],
    *[(mid, FLOAT_INVERTER, Role.PV, {"w": 2500, "wh": 123_456, "hz": 50.01}) for mid in (111, 112, 113)],
    (
        701,
        {"W": 250, "W_SF": 1, "TotWhInj": 2**40, "TotWhAbs": 5, "TotWh_SF": 0, "Hz": 50000, "Hz_SF": -3},
        Role.PV,
        {"w": 2500, "wh": 2**40, "absorbed_wh": 5, "hz": 50.0},
    ),
    *[(mid, INT_METER, Role.METER, {"w": -700, "import_wh": 4000, "export_wh": 9000}) for mid in (201, 202, 203, 204)],
    *[(mid, FLOAT_METER, Role.METER, {"w": -700, "import_wh": 4000, "export_wh": 9000}) for mid in (211, 212, 213, 214)],
    (802, {"SoC": 655, "SoC_SF": -1, "W": 12, "W_SF": 2, "WHRtg": 10, "WHRtg_SF": 3}, Role.BATTERY,
     {"soc_pct": 65.5, "w": 1200, "capacity_wh": 10_000}),
    (124, {"ChaState": 42, "ChaState_SF": 0, "WChaMax": 3000, "WChaMax_SF": 0}, Role.BATTERY,
     {"soc_pct": 42, "max_charge_w": 3000}),
    (713, {"WHRtg": 135, "WHAvail": 70, "WH_SF": 2, "SoC": 52, "Pct_SF": 0}, Role.BATTERY,
     {"capacity_wh": 13_500, "available_wh": 7000, "soc_pct": 52}),
]  # fmt: skip


@pytest.mark.parametrize(("model_id", "points", "role", "expected"), VARIANTS, ids=lambda v: str(v))
async def test_every_model_decodes(
    model_id: int, points: dict[str, float], role: Role, expected: dict[str, float]
) -> None:
    link = MemoryLink.single(device_image("SN-1", [ModelSpec(model_id, points)]))
    layout = await discover(link, [1])
    assert layout.identity.serial == "SN-1"
    assert layout.model_ids == [1, model_id]
    device = make_device(SunSpecDevice(link, layout))
    assert device.role is role
    sample = await device.refresh()
    for name, value in expected.items():
        assert sample.value(name) == pytest.approx(value), name
    assert all(count <= MAX_READ for _, _, count in link.reads)


@pytest.mark.parametrize("base", [40000, 0, 50000])
async def test_base_addresses(base: int) -> None:
    link = MemoryLink.single(images.meter(), base=base)
    layout = await discover(link, [1])
    assert layout.base == base


async def test_auto_unit_id_finds_sma_style_126() -> None:
    link = MemoryLink({126: {40000 + i: v for i, v in enumerate(images.inverter())}})
    layout = await discover(link, [1, 126, 240])
    assert layout.unit_id == 126


async def test_common_length_65_shifts_the_chain() -> None:
    """SolarEdge-style Common L=65: chain by the L read from the device, not the JSON's 66."""
    image = device_image("SE-1", [ModelSpec(103, INT_INVERTER)], common_length=65)
    link = MemoryLink.single(image)
    layout = await discover(link, [1])
    assert [(m.model_id, m.address) for m in layout.models] == [(1, 40002), (103, 40069)]
    sample = await SunSpecDevice(link, layout).read()
    assert sample.value("w") == 2500


async def test_model_701_needs_two_reads() -> None:
    link = MemoryLink.single(device_image("DER-1", [ModelSpec(701, {"W": 100, "W_SF": 0})]))
    device = SunSpecDevice(link, await discover(link, [1]))
    link.reads.clear()
    await device.read()
    assert [count for _, _, count in link.reads] == [125, 30]


async def test_sentinels_are_none_and_unimplemented_scale_factor_too() -> None:
    points = {"W": None, "W_SF": 0, "WH": None, "WH_SF": 0, "Hz": 5000, "Hz_SF": None}
    link = MemoryLink.single(device_image("S-1", [ModelSpec(103, points)]))
    sample = await SunSpecDevice(link, await discover(link, [1])).read()
    assert sample.value("w") is None
    assert sample.value("wh") is None
    assert sample.value("hz") is None


async def test_scale_factor_change_at_runtime() -> None:
    link = MemoryLink.single(images.inverter(w=3000))
    device = SunSpecDevice(link, await discover(link, [1]))
    assert (await device.read()).value("w") == 3000
    w_sf = 40070 + 15
    link.units[1][w_sf] = 0xFFFF  # -1
    link.units[1][w_sf - 1] = 30001
    assert (await device.read()).value("w") == pytest.approx(3000.1)


async def test_mppt_modules_are_read() -> None:
    image = device_image(
        "MP-1", [ModelSpec(160, {"N": 2, "DCW_SF": 0, "DCV_SF": 0, "DCA_SF": 0, "DCWH_SF": 0})]
    )
    module_2_dcw = 40070 + 10 + 20 + 11
    image[module_2_dcw - 40000] = 1500
    link = MemoryLink.single(image)
    sample = await SunSpecDevice(link, await discover(link, [1])).read()
    assert sample.value("mppt2_w") == 1500
    assert sample.value("mppt1_w") == 0


async def test_refused_register_inside_a_model_degrades_only_that_model() -> None:
    """exception 2 on a register inside a model."""
    link = MemoryLink.single(images.battery())
    device = SunSpecDevice(link, await discover(link, [1]))
    del link.units[1][40134 + 20]  # a register inside model 124
    sample = await device.read()
    assert sample.value("soc_pct") == 55  # from 802
    assert any("model 124" in problem for problem in sample.problems)


async def test_capabilities_by_role() -> None:
    for image, kind in (
        (images.inverter(), PvInverter),
        (images.meter(), Meter),
        (images.battery(), ControllableBattery),
    ):
        link = MemoryLink.single(image)
        device = make_device(SunSpecDevice(link, await discover(link, [1])))
        assert type(device) is kind
    link = MemoryLink.single(device_image("B713", [ModelSpec(713, {})]))
    assert type(make_device(SunSpecDevice(link, await discover(link, [1])))) is Battery


async def test_invert_power_flips_the_sign() -> None:
    link = MemoryLink.single(images.meter(w=500))
    device = make_device(SunSpecDevice(link, await discover(link, [1])), invert_power=True)
    await device.refresh()
    assert isinstance(device, Meter)
    assert device.power_w() == -500


async def test_not_sunspec_says_so() -> None:
    link = MemoryLink({1: dict.fromkeys(range(0, 60000), 7)})
    with pytest.raises(DiscoveryError, match="no SunSpec marker"):
        await discover(link, [1])


async def test_silent_unit_says_check_unit_id() -> None:
    link = MemoryLink({5: {}})
    with pytest.raises(DiscoveryError, match="unit id"):
        await discover(link, [1, 2])


async def test_device_without_serial_gets_a_stable_id() -> None:
    link = MemoryLink.single(device_image("", [ModelSpec(203, {})]))
    device = SunSpecDevice(link, await discover(link, [1]))
    assert device.serial == "memory#1"
