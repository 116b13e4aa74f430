"""``make demo``: the whole system on one machine, in one process.

The hub (SQLite, embedded MQTT broker, API, /ws, dashboard), a simulated community of
homes (real Modbus TCP servers with physics) and one edge agent per home that discovers
its home's devices over Modbus and publishes over MQTT — the same code paths as production,
with the simulated devices standing in for hardware.

All of it runs on one clock (:mod:`powershare_demo.clock`): the scenario's accelerated clock
(60×: a 15-minute market interval every 15 s, a day in 24 minutes), starting at the
scenario's start on a fresh database and resuming where the last run stopped otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from datetime import timedelta
from pathlib import Path

from edge_agent.app import run_agent
from edge_agent.config import AgentConfig
from firmware_sims.clock import SimClock
from firmware_sims.community import RunningCommunity, run_community
from firmware_sims.inverter import Inverter
from firmware_sims.running import RunningDevice, RunningHome
from firmware_sims.scenario import ScenarioError
from firmware_sims.scenario import load as load_scenario
from hub.cli import check_ports, configure_logging
from hub.core.config import ConfigError, Settings, load_settings
from hub.core.ports import PortTakenError
from hub.server import HubStartError, running_hub
from powershare_demo.clock import demo_clock, forget_note, keep_noting, resume_at
from powershare_demo.seeding import ADMIN_EMAIL, DEMO_PASSWORD, resident_email, seed_community

DEFAULT_SCENARIO = Path(__file__).resolve().parents[1] / "firmware_sims" / "scenarios" / "demo.toml"
COMMUNITY = "demo"

log = logging.getLogger("powershare.demo")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="powershare-demo", description=__doc__.splitlines()[0])
    p.add_argument(
        "--http-port", type=int, help="dashboard/API port (env POWERSHARE_HTTP_PORT, default 8000)"
    )
    p.add_argument(
        "--mqtt-port", type=int, help="embedded MQTT broker port (env POWERSHARE_MQTT_PORT, default 1883)"
    )
    p.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="community scenario (TOML)")
    p.add_argument("--data-dir", type=Path, default=Path(".demo"), help="database and agent spools")
    p.add_argument("--fresh", action="store_true", help="start from an empty database")
    p.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"])
    return p


def agent_config(
    home: RunningHome,
    community: str,
    mqtt_url: str,
    spool_dir: Path,
    poll_interval_s: float = 1.0,
    mqtt_password: str | None = None,
) -> AgentConfig:
    """The edge agent configuration an installer would write for this home's devices.

    ``mqtt_password`` is the one provisioning gave the site (see seed_community); the site id is
    the user name.
    """
    mqtt: dict[str, str] = {"url": mqtt_url}
    if mqtt_password is not None:
        mqtt |= {"username": home.id, "password": mqtt_password}
    return AgentConfig.from_mapping(
        {
            "community": community,
            "site": home.id,
            "poll_interval_s": poll_interval_s,
            # Many agents share this process: one stalled poll loop must not exit all of them.
            "watchdog_s": 0,
            "mqtt": mqtt,
            "spool": {"path": str(spool_dir / f"{home.id}.sqlite3")},
            "devices": [
                {
                    "name": str(device.kind),
                    "host": device.host,
                    "port": device.port,
                    "unit_id": "auto",
                    **_role(device),
                }
                for device in home.devices
            ],
        }
    )


def _role(device: RunningDevice) -> dict[str, str]:
    # A wind inverter speaks SunSpec just like a solar one; only the installer knows which it is.
    wind = isinstance(device.device, Inverter) and device.device.source == "wind"
    return {"role": "wind"} if wind else {}


async def run(settings: Settings, scenario_path: Path, data_dir: Path) -> None:
    scenario = load_scenario(scenario_path)
    main_task = asyncio.current_task()
    assert main_task is not None
    # SIGTERM (systemd, `timeout`, CI) stops as cleanly as Ctrl-C: agents first, then sims, then hub.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    clock = demo_clock(scenario, await resume_at(settings.database_url, data_dir))
    async with (
        running_hub(settings, log_level="warning", clock=clock),
        run_community(scenario, clock=clock, free_ports=True, control_port=0) as community,
        asyncio.TaskGroup() as agents,
    ):
        agents.create_task(keep_noting(data_dir, clock), name="demo-clock-note")
        passwords = await seed_community(settings.database_url, COMMUNITY, community.homes, scenario.name)
        mqtt_url = f"mqtt://{settings.mqtt_host}:{settings.mqtt_port}"
        configs = [
            agent_config(home, COMMUNITY, mqtt_url, data_dir / "spool", mqtt_password=passwords[home.id])
            for home in community.homes
        ]
        announce(settings, community, clock)
        for config in configs:
            agents.create_task(run_agent(config, clock), name=f"agent-{config.site}")


def announce(settings: Settings, community: RunningCommunity, clock: SimClock) -> None:
    kinds = sorted({str(d.kind) for d in community.devices})
    interval_s = timedelta(minutes=15).total_seconds() / clock.speed
    print(
        f"PowerShare demo: {len(community.homes)} homes, {len(community.devices)} simulated devices "
        f"({', '.join(kinds)}), one edge agent per home.\n"
        f"  clock       {clock.now():%Y-%m-%d %H:%M} UTC at {clock.speed:g}x"
        f" (a 15-minute interval every {interval_s:g} s)\n"
        f"  dashboard   http://{settings.http_host}:{settings.http_port}\n"
        f"  API docs    http://{settings.http_host}:{settings.http_port}/docs\n"
        f"  MQTT        mqtt://{settings.mqtt_host}:{settings.mqtt_port}  (per-site credentials, as provisioned)\n"
        + (
            f"  sim control http://{settings.http_host}:{community.control_port}/homes\n"
            if community.control_port
            else ""
        )
        + f"Sign in as {ADMIN_EMAIL} or <home>@powershare.local (e.g. {resident_email(community.homes[0].id)}),"
        f" password {DEMO_PASSWORD}.\nPress Ctrl-C to stop.",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    configure_logging(args.log_level)
    data_dir: Path = args.data_dir
    if args.fresh:
        (data_dir / "hub.db").unlink(missing_ok=True)
        forget_note(data_dir)
    try:
        settings = load_settings(
            http_port=args.http_port,
            mqtt_port=args.mqtt_port,
            database_url=f"sqlite+aiosqlite:///{data_dir / 'hub.db'}",
        )
        check_ports(settings)
        load_scenario(args.scenario)
    except (ConfigError, PortTakenError, ScenarioError) as exc:
        sys.exit(f"powershare-demo: {exc}")
    try:
        asyncio.run(run(settings, args.scenario, data_dir))
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    except HubStartError as exc:
        sys.exit(f"powershare-demo: {exc}")
    print("PowerShare demo stopped.")


if __name__ == "__main__":
    main()
