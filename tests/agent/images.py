"""Typical device images: a three-phase inverter, a 802+124 battery, a wye meter."""

from __future__ import annotations

from tests.agent.fakes import ModelSpec, device_image


def inverter(serial: str = "INV-1", w: int = 3000, wh: int = 1_000_000) -> list[int]:
    return device_image(
        serial,
        [
            ModelSpec(103, {"W": w, "W_SF": 0, "WH": wh, "WH_SF": 0, "Hz": 5000, "Hz_SF": -2, "St": 4}),
            ModelSpec(160, {"N": 2, "DCW_SF": 0, "DCV_SF": 0, "DCA_SF": 0, "DCWH_SF": 0}),
        ],
    )


def battery(serial: str = "BAT-1", w: int = -1000, soc: int = 55) -> list[int]:
    return device_image(
        serial,
        [
            ModelSpec(
                802,
                {
                    "WHRtg": 10000,
                    "WHRtg_SF": 0,
                    "WChaRteMax": 5000,
                    "WDisChaRteMax": 5000,
                    "WChaDisChaMax_SF": 0,
                    "SoC": soc,
                    "SoC_SF": 0,
                    "SoCMin": 5,
                    "SoCRsvMin": 10,
                    "W": w,
                    "W_SF": 0,
                    "ChaSt": 4,
                    "LocRemCtl": 0,
                },
            ),
            ModelSpec(
                124,
                {
                    "WChaMax": 5000,
                    "WChaMax_SF": 0,
                    "ChaState": soc,
                    "ChaState_SF": 0,
                    "MinRsvPct": 10,
                    "MinRsvPct_SF": 0,
                    "InOutWRte_SF": 0,
                    "StorCtl_Mod": 0,
                },
            ),
        ],
    )


def meter(serial: str = "MTR-1", w: int = 500, imp: int = 200_000, exp: int = 100_000) -> list[int]:
    return device_image(
        serial,
        [
            ModelSpec(
                203,
                {"W": w, "W_SF": 0, "TotWhImp": imp, "TotWhExp": exp, "TotWh_SF": 0, "Hz": 50, "Hz_SF": 0},
            )
        ],
    )
