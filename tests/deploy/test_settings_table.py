"""The README's hub settings table lists every setting, its flag where it has one, and its default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hub.cli import parser as hub_parser
from hub.core.config import ConfigError, Settings, load_settings

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `POWERSHARE_(?P<name>[A-Z0-9_]+)` \| (?P<flag>[^|]*) \| (?P<default>[^|]*) \|")


def table() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in README.read_text().splitlines():
        if match := ROW.match(line):
            rows[match["name"].lower()] = (match["flag"].strip(), match["default"].strip())
    return rows


def cli_flags() -> set[str]:
    return set(re.findall(r"--[a-z][a-z-]*", hub_parser().format_help()))


def test_every_setting_is_in_the_table_and_nothing_else() -> None:
    assert set(table()) == set(Settings.model_fields)


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_the_flag_column_says_which_settings_powershare_hub_takes(name: str) -> None:
    flag = "--" + name.replace("_", "-")
    listed, _default = table()[name]
    assert listed == (f"`{flag}`" if flag in cli_flags() else "")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_the_default_column_shows_the_default(name: str) -> None:
    default = Settings.model_fields[name].default
    cell = table()[name][1]
    if default == "":
        assert cell.startswith("empty")
        return
    if isinstance(default, Path) or not isinstance(default, bool | int | float | str):
        return  # described in words (unset, the host name, the checkout's web/dist)
    shown = re.match(r"`([^`]*)`", cell)
    assert shown is not None, f"POWERSHARE_{name.upper()}: the default column should start with `{default}`"
    if isinstance(default, bool):
        assert shown[1] == str(default).lower()
    elif isinstance(default, int | float):
        assert float(shown[1]) == default
    else:
        assert shown[1] == default


def test_a_bad_value_names_the_flag_only_where_there_is_one(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError) as flagged:
        load_settings(http_port="eighty")
    assert "POWERSHARE_HTTP_PORT (--http-port):" in str(flagged.value)
    monkeypatch.setenv("POWERSHARE_SESSION_DAYS", "forever")
    with pytest.raises(ConfigError) as unflagged:
        load_settings()
    assert "POWERSHARE_SESSION_DAYS:" in str(unflagged.value)
    assert "--session-days" not in str(unflagged.value)
