"""Config errors name the key and the expected form (table test), and good files load."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from edge_agent.config import AgentConfig, ConfigError, RtuDevice, TcpDevice

EXAMPLE = Path(__file__).parents[2] / "deploy" / "agent" / "agent.example.toml"

GOOD: dict[str, Any] = {
    "community": "green-street",
    "site": "house-12",
    "mqtt": {"url": "mqtt://127.0.0.1:1883"},
    "devices": [{"host": "127.0.0.1", "port": 1502}, {"host": "10.0.0.2"}],
}


def _set(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    target: Any = data
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    for key in keys[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return data


_DELETE = object()

CASES = [
    ("devices.1.port", 70000, "devices[1].port: must be 1..65535 (got 70000)"),
    ("devices.0.unit_id", 0, 'devices[0].unit_id: must be 1..247 or "auto" (got 0)'),
    ("devices.0.unit_id", "one", "devices[0].unit_id: must be 1..247 or \"auto\" (got 'one')"),
    ("devices.0.role", "heater", "devices[0].role: Input should be 'pv', 'wind', 'battery' or 'meter'"),
    ("devices.1", {"port": 502}, 'devices[1]: needs host = "…" (Modbus TCP) or serial_port'),
    ("devices.1", {"serial_port": "/dev/ttyUSB0", "baudrate": 1234}, "devices[1].baudrate: Input should be"),
    ("devices.0.hots", "x", "devices[0].hots: is not a known setting"),
    ("devices", [], "devices: List should have at least 1 item"),
    ("mqtt.url", "http://hub", "mqtt.url: must look like mqtt://host:1883 or mqtts://host:8883"),
    ("mqtt.url", "mqtt://hub:99999", "mqtt.url: port must be 1..65535"),
    ("mqtt", _DELETE, "mqtt: is required"),
    ("site", "House 12", "site: String should match pattern"),
    ("poll_interval_s", 0, "poll_interval_s: Input should be greater than or equal to 0.1"),
    ("spool", {"max_readings": 5}, "spool.max_readings: Input should be greater than or equal to 100"),
    # 2 devices + the site at 1 Hz write 3 × 172,800 readings in 48 h
    ("spool", {"max_readings": 500_000}, "spool.max_readings: 500,000 readings last less than 48 h"),
]


@pytest.mark.parametrize(
    ("path", "value", "message"), CASES, ids=[c[0] + "=" + repr(c[1])[:20] for c in CASES]
)
def test_config_errors(path: str, value: Any, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        AgentConfig.from_mapping(_set(path, value), source="agent.toml")
    assert str(error.value).startswith("config error in agent.toml: ")
    assert message in str(error.value)


def test_device_kinds_and_defaults() -> None:
    config = AgentConfig.from_mapping(_set("devices.1", {"serial_port": "/dev/ttyUSB0", "unit_id": 240}))
    assert isinstance(config.devices[0], TcpDevice)
    assert config.devices[0].unit_id == "auto"
    assert isinstance(config.devices[1], RtuDevice)
    assert config.devices[1].baudrate == 9600
    assert config.mqtt.port == 1883
    assert not config.mqtt.tls


def test_example_config_loads() -> None:
    config = AgentConfig.load(EXAMPLE)
    assert config.mqtt.tls
    assert config.mqtt.port == 8883
    assert len(config.devices) == 3


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "agent.toml"
    bad.write_text("site = \n")
    with pytest.raises(ConfigError, match=r"config error in agent\.toml: not valid TOML"):
        AgentConfig.load(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        AgentConfig.load(tmp_path / "missing.toml")


def test_cli_exits_with_the_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from edge_agent.cli import main

    path = tmp_path / "agent.toml"
    path.write_text(
        'community = "c"\nsite = "s"\n[mqtt]\nurl = "mqtt://h"\n[[devices]]\nhost = "h"\nport = 70000\n'
    )
    assert main(["run", "--config", str(path)]) == 2
    assert (
        "config error in agent.toml: devices[0].port: must be 1..65535 (got 70000)" in capsys.readouterr().err
    )


@pytest.mark.parametrize(("value", "ok"), [(0, True), (5, True), (2, False)])
def test_watchdog_is_off_or_at_least_5_s(value: float, ok: bool) -> None:
    data = {**GOOD, "watchdog_s": value}
    if ok:
        assert AgentConfig.from_mapping(data).watchdog_s == value
    else:
        with pytest.raises(
            ConfigError, match=r"watchdog_s: must be 0 \(off\) or at least 5 seconds \(got 2\)"
        ):
            AgentConfig.from_mapping(data)


@pytest.mark.parametrize(
    ("devices", "poll_interval_s", "capacity"),
    [
        (1, 1.0, 2 * 172_800),  # one device and the site, every second for 48 h
        (3, 1.0, 4 * 172_800),
        (3, 5.0, 4 * 34_560),
        (10, 0.5, 11 * 345_600),
    ],
)
def test_an_unsized_spool_holds_48_hours_offline(devices: int, poll_interval_s: float, capacity: int) -> None:
    data = _set("poll_interval_s", poll_interval_s)
    data["devices"] = [{"host": f"10.0.0.{n + 1}"} for n in range(devices)]
    assert AgentConfig.from_mapping(data).spool_capacity == capacity


def test_a_spool_sized_by_hand_keeps_its_size() -> None:
    data = _set("spool", {"max_readings": 2_000_000})
    assert AgentConfig.from_mapping(data).spool_capacity == 2_000_000
