"""SunSpec models as data: which points the agent reads from each model, and what they mean.

Offsets count from the model's ID register (as in the SunSpec model JSON), so the header is
at 0 and 1 and the first point at 2. ``name`` is what the agent publishes (``None`` keeps a
point internal: enums, control registers, scale factors). Adding a model is adding a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from edge_agent.sunspec.codec import PointType, width
from powershare_wire import Unit

T = PointType


class ModelKind(StrEnum):
    COMMON = "common"
    INVERTER = "inverter"
    BATTERY = "battery"
    METER = "meter"


@dataclass(frozen=True, slots=True)
class Point:
    sunspec: str
    offset: int
    type: PointType
    name: str | None = None
    unit: Unit | None = None
    sf: str | None = None
    size: int = 1

    @property
    def width(self) -> int:
        return width(self.type, self.size)


@dataclass(frozen=True, slots=True)
class RepeatGroup:
    """A repeating block (e.g. one MPPT module of model 160); ``{n}`` in names is 1-based."""

    start: int
    length: int
    count_point: str
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class ModelMap:
    model_id: int
    label: str
    kind: ModelKind
    points: tuple[Point, ...]
    repeat: RepeatGroup | None = None
    by_sunspec: dict[str, Point] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_sunspec", {p.sunspec: p for p in self.points})


def _p(
    sunspec: str,
    offset: int,
    type_: PointType,
    name: str | None = None,
    unit: Unit | None = None,
    sf: str | None = None,
    size: int = 1,
) -> Point:
    return Point(sunspec, offset, type_, name, unit, sf, size)


def _sf(sunspec: str, offset: int) -> Point:
    return Point(sunspec, offset, T.SUNSSF)


COMMON = ModelMap(
    1,
    "common",
    ModelKind.COMMON,
    (
        _p("Mn", 2, T.STRING, size=16),
        _p("Md", 18, T.STRING, size=16),
        _p("Opt", 34, T.STRING, size=8),
        _p("Vr", 42, T.STRING, size=8),
        _p("SN", 50, T.STRING, size=16),
        _p("DA", 66, T.UINT16),
    ),
)


def _inverter_int(model_id: int, label: str) -> ModelMap:
    return ModelMap(
        model_id,
        label,
        ModelKind.INVERTER,
        (
            _p("A", 2, T.UINT16, "a", Unit.A, "A_SF"),
            _sf("A_SF", 6),
            _p("PhVphA", 10, T.UINT16, "v", Unit.V, "V_SF"),
            _sf("V_SF", 13),
            _p("W", 14, T.INT16, "w", Unit.W, "W_SF"),
            _sf("W_SF", 15),
            _p("Hz", 16, T.UINT16, "hz", Unit.HZ, "Hz_SF"),
            _sf("Hz_SF", 17),
            _p("WH", 24, T.ACC32, "wh", Unit.WH, "WH_SF"),
            _sf("WH_SF", 26),
            _p("DCW", 31, T.INT16, "dc_w", Unit.W, "DCW_SF"),
            _sf("DCW_SF", 32),
            _p("TmpCab", 33, T.INT16, "temp_c", Unit.CELSIUS, "Tmp_SF"),
            _sf("Tmp_SF", 37),
            _p("St", 38, T.ENUM16),
        ),
    )


def _inverter_float(model_id: int, label: str) -> ModelMap:
    return ModelMap(
        model_id,
        label,
        ModelKind.INVERTER,
        (
            _p("A", 2, T.FLOAT32, "a", Unit.A),
            _p("PhVphA", 16, T.FLOAT32, "v", Unit.V),
            _p("W", 22, T.FLOAT32, "w", Unit.W),
            _p("Hz", 24, T.FLOAT32, "hz", Unit.HZ),
            _p("WH", 32, T.FLOAT32, "wh", Unit.WH),
            _p("DCW", 38, T.FLOAT32, "dc_w", Unit.W),
            _p("TmpCab", 40, T.FLOAT32, "temp_c", Unit.CELSIUS),
            _p("St", 48, T.ENUM16),
        ),
    )


MPPT = ModelMap(
    160,
    "mppt",
    ModelKind.INVERTER,
    (_sf("DCA_SF", 2), _sf("DCV_SF", 3), _sf("DCW_SF", 4), _sf("DCWH_SF", 5), _p("N", 8, T.COUNT)),
    repeat=RepeatGroup(
        start=10,
        length=20,
        count_point="N",
        points=(
            _p("DCA", 9, T.UINT16, "mppt{n}_a", Unit.A, "DCA_SF"),
            _p("DCV", 10, T.UINT16, "mppt{n}_v", Unit.V, "DCV_SF"),
            _p("DCW", 11, T.UINT16, "mppt{n}_w", Unit.W, "DCW_SF"),
            _p("DCWH", 12, T.ACC32, "mppt{n}_wh", Unit.WH, "DCWH_SF"),
        ),
    ),
)

DER_AC = ModelMap(
    701,
    "der_measure_ac",
    ModelKind.INVERTER,
    (
        _p("St", 3, T.ENUM16),
        _p("InvSt", 4, T.ENUM16),
        _p("ConnSt", 5, T.ENUM16),
        _p("Alrm", 6, T.BITFIELD32),
        # 701 W is explicitly "positive for generation", matching our pv convention.
        _p("W", 10, T.INT16, "w", Unit.W, "W_SF"),
        _p("A", 14, T.INT16, "a", Unit.A, "A_SF"),
        _p("LNV", 16, T.UINT16, "v", Unit.V, "V_SF"),
        _p("Hz", 17, T.UINT32, "hz", Unit.HZ, "Hz_SF"),
        _p("TotWhInj", 19, T.UINT64, "wh", Unit.WH, "TotWh_SF"),
        _p("TotWhAbs", 23, T.UINT64, "absorbed_wh", Unit.WH, "TotWh_SF"),
        _sf("A_SF", 113),
        _sf("V_SF", 114),
        _sf("Hz_SF", 115),
        _sf("W_SF", 116),
        _sf("TotWh_SF", 120),
    ),
)

STORAGE = ModelMap(
    124,
    "storage",
    ModelKind.BATTERY,
    (
        _p("WChaMax", 2, T.UINT16, "max_charge_w", Unit.W, "WChaMax_SF"),
        _p("StorCtl_Mod", 5, T.BITFIELD16),
        _p("MinRsvPct", 7, T.UINT16, "reserve_pct", Unit.PERCENT, "MinRsvPct_SF"),
        _p("ChaState", 8, T.UINT16, "soc_pct", Unit.PERCENT, "ChaState_SF"),
        _p("InBatV", 10, T.UINT16, "v", Unit.V, "InBatV_SF"),
        _p("ChaSt", 11, T.ENUM16),
        _p("OutWRte", 12, T.INT16, sf="InOutWRte_SF"),
        _p("InWRte", 13, T.INT16, sf="InOutWRte_SF"),
        _p("InOutWRte_RvrtTms", 15, T.UINT16),
        _sf("WChaMax_SF", 18),
        _sf("MinRsvPct_SF", 21),
        _sf("ChaState_SF", 22),
        _sf("InBatV_SF", 24),
        _sf("InOutWRte_SF", 25),
    ),
)

BATTERY = ModelMap(
    802,
    "battery",
    ModelKind.BATTERY,
    (
        _p("WHRtg", 3, T.UINT16, "capacity_wh", Unit.WH, "WHRtg_SF"),
        _p("WChaRteMax", 4, T.UINT16, "max_charge_w", Unit.W, "WChaDisChaMax_SF"),
        _p("WDisChaRteMax", 5, T.UINT16, "max_discharge_w", Unit.W, "WChaDisChaMax_SF"),
        _p("SoCMin", 8, T.UINT16, "soc_min_pct", Unit.PERCENT, "SoC_SF"),
        _p("SoCRsvMin", 10, T.UINT16, "reserve_pct", Unit.PERCENT, "SoC_SF"),
        _p("SoC", 11, T.UINT16, "soc_pct", Unit.PERCENT, "SoC_SF"),
        _p("SoH", 13, T.UINT16, "soh_pct", Unit.PERCENT, "SoH_SF"),
        _p("ChaSt", 16, T.ENUM16),
        _p("LocRemCtl", 17, T.ENUM16),
        _p("State", 22, T.ENUM16),
        _p("V", 34, T.UINT16, "v", Unit.V, "V_SF"),
        _p("A", 44, T.INT16, "a", Unit.A, "A_SF"),
        _p("W", 47, T.INT16, "w", Unit.W, "W_SF"),
        _p("ReqW", 49, T.INT16, sf="W_SF"),
        _sf("WHRtg_SF", 53),
        _sf("WChaDisChaMax_SF", 54),
        _sf("SoC_SF", 56),
        _sf("SoH_SF", 58),
        _sf("V_SF", 59),
        _sf("A_SF", 61),
        _sf("W_SF", 63),
    ),
)

STORAGE_CAPACITY = ModelMap(
    713,
    "der_storage_capacity",
    ModelKind.BATTERY,
    (
        _p("WHRtg", 2, T.UINT16, "capacity_wh", Unit.WH, "WH_SF"),
        _p("WHAvail", 3, T.UINT16, "available_wh", Unit.WH, "WH_SF"),
        _p("SoC", 4, T.UINT16, "soc_pct", Unit.PERCENT, "Pct_SF"),
        _p("SoH", 5, T.UINT16, "soh_pct", Unit.PERCENT, "Pct_SF"),
        _sf("WH_SF", 7),
        _sf("Pct_SF", 8),
    ),
)


def _meter_int(model_id: int, label: str) -> ModelMap:
    return ModelMap(
        model_id,
        label,
        ModelKind.METER,
        (
            _p("A", 2, T.INT16, "a", Unit.A, "A_SF"),
            _sf("A_SF", 6),
            _p("PhV", 7, T.INT16, "v", Unit.V, "V_SF"),
            _sf("V_SF", 15),
            _p("Hz", 16, T.INT16, "hz", Unit.HZ, "Hz_SF"),
            _sf("Hz_SF", 17),
            _p("W", 18, T.INT16, "w", Unit.W, "W_SF"),
            _sf("W_SF", 22),
            _p("TotWhExp", 38, T.ACC32, "export_wh", Unit.WH, "TotWh_SF"),
            _p("TotWhImp", 46, T.ACC32, "import_wh", Unit.WH, "TotWh_SF"),
            _sf("TotWh_SF", 54),
        ),
    )


def _meter_float(model_id: int, label: str) -> ModelMap:
    return ModelMap(
        model_id,
        label,
        ModelKind.METER,
        (
            _p("A", 2, T.FLOAT32, "a", Unit.A),
            _p("PhV", 10, T.FLOAT32, "v", Unit.V),
            _p("Hz", 26, T.FLOAT32, "hz", Unit.HZ),
            _p("W", 28, T.FLOAT32, "w", Unit.W),
            _p("TotWhExp", 60, T.FLOAT32, "export_wh", Unit.WH),
            _p("TotWhImp", 68, T.FLOAT32, "import_wh", Unit.WH),
        ),
    )


MODELS: dict[int, ModelMap] = {
    m.model_id: m
    for m in (
        COMMON,
        _inverter_int(101, "inverter_single_phase"),
        _inverter_int(102, "inverter_split_phase"),
        _inverter_int(103, "inverter_three_phase"),
        _inverter_float(111, "inverter_single_phase_float"),
        _inverter_float(112, "inverter_split_phase_float"),
        _inverter_float(113, "inverter_three_phase_float"),
        MPPT,
        DER_AC,
        STORAGE,
        BATTERY,
        STORAGE_CAPACITY,
        _meter_int(201, "meter_single_phase"),
        _meter_int(202, "meter_split_phase"),
        _meter_int(203, "meter_wye"),
        _meter_int(204, "meter_delta"),
        _meter_float(211, "meter_single_phase_float"),
        _meter_float(212, "meter_split_phase_float"),
        _meter_float(213, "meter_wye_float"),
        _meter_float(214, "meter_delta_float"),
    )
}

END_MODEL_ID = 0xFFFF
SUNS_MARKER = (0x5375, 0x6E53)
