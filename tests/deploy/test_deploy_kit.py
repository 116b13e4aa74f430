"""The deploy kit (deploy/) checked as far as this machine can without a container engine.

No Docker engine runs here, so the compose files are checked as data: they parse, every file
they mount or build from is in the repository (or, for secrets, is a file the operator makes and
git ignores), every command is one of our entry points, every POWERSHARE_* variable is a hub
setting that validates. The Mosquitto configuration is loaded by the real ``mosquitto`` with the
files the compose file mounts at the paths it mounts them, and must take the hub's login and
refuse a wrong one; the EMQX configuration is parsed as HOCON and its ACL as Erlang terms; the
systemd units pass ``systemd-analyze verify``.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import paho.mqtt.client as paho_mqtt
import pytest
import yaml
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode
from pyhocon import ConfigFactory

from hub.api.routes.mqtt_auth import AuthnRequest, AuthzRequest
from hub.cli import parser as hub_parser
from hub.core.config import ConfigError, Settings, load_settings
from tests.conftest import CI, free_port, port_open

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yml"
EMQX_COMPOSE = DEPLOY / "emqx" / "compose.yml"
SYSTEMD = DEPLOY / "systemd"
SCRIPTS: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
HUB_SERVICES = ("hub-a", "hub-b")
INSTALL_PREFIX = "/opt/powershare/bin/"  # where the units and the install guides put the venv


def tool_missing(tool: str) -> None:
    if CI:
        pytest.fail(f"{tool} is not installed — CI=true requires it")
    pytest.skip(f"{tool} is not installed")


def load_compose(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict), f"{path} is not a mapping"
    return data


@pytest.fixture(params=[COMPOSE, EMQX_COMPOSE], ids=["compose", "emqx-compose"])
def compose_file(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def bind_mounts(service: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(source, target) of the service's bind mounts; named volumes have no ./ or / source."""
    for volume in service.get("volumes", []):
        source, target = str(volume).split(":")[:2]
        if source.startswith((".", "/")):
            yield source, target


def named_volumes(service: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for volume in service.get("volumes", []):
        source, target = str(volume).split(":")[:2]
        if not source.startswith((".", "/")):
            yield source, target


def secret_targets(compose: dict[str, Any], service: dict[str, Any]) -> dict[str, Path]:
    """Secret target path in the container -> the file on the host, for one service."""
    files = compose.get("secrets", {})
    return {entry["target"]: Path(files[entry["source"]]["file"]) for entry in service.get("secrets", [])}


# --- compose -----------------------------------------------------------------------------------


def test_compose_has_every_part_with_health_checks() -> None:
    services = load_compose(COMPOSE)["services"]
    assert {"db", "mqtt", "migrate", *HUB_SERVICES} <= set(services)
    for name in ("db", "mqtt", *HUB_SERVICES):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no health check"
    for name in HUB_SERVICES:
        assert "/api/health" in " ".join(services[name]["healthcheck"]["test"])


def test_every_mounted_and_built_file_is_in_the_repository(compose_file: Path) -> None:
    compose = load_compose(compose_file)
    base = compose_file.parent
    declared_volumes = set(compose.get("volumes", {}))
    for name, service in compose["services"].items():
        for source, _target in bind_mounts(service):
            assert (base / source).exists(), f"{compose_file.name}: {name} mounts {source}, which is missing"
        for volume, _target in named_volumes(service):
            assert volume in declared_volumes, f"{name} uses volume {volume!r} not declared at the top"
        build = service.get("build")
        if build:
            context = base / build["context"]
            assert context.is_dir(), f"{name}: build context {build['context']} is missing"
            assert (context / build["dockerfile"]).is_file(), f"{name}: {build['dockerfile']} is missing"
        for entry in service.get("secrets", []):
            assert entry["source"] in compose.get("secrets", {}), f"{name}: undeclared secret {entry}"
        for env_file in service.get("env_file", []):
            assert (base / env_file).is_file(), f"{name}: env file {env_file} is missing"


def test_secrets_are_made_by_the_operator_and_never_committed(compose_file: Path) -> None:
    base = compose_file.parent
    readme = (DEPLOY / "secrets" / "README.md").read_text()
    for name, secret in load_compose(compose_file).get("secrets", {}).items():
        path = (base / secret["file"]).resolve()
        assert path.parent.is_dir(), f"secret {name}: directory {path.parent} is missing"
        assert f"`{path.name}`" in readme, f"deploy/secrets/README.md does not say how to make {path.name}"
        ignored = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=ROOT, check=False)
        assert ignored.returncode == 0, f"{path.relative_to(ROOT)} would be committed: git must ignore it"
    assert subprocess.run(["git", "check-ignore", "-q", "deploy/.env"], cwd=ROOT, check=False).returncode == 0


def test_commands_are_our_entry_points(compose_file: Path) -> None:
    for name, service in load_compose(compose_file)["services"].items():
        command = service.get("command")
        if command is None or "build" not in service:
            continue  # an upstream image (postgres, mosquitto, emqx) runs its own
        assert command[0] in SCRIPTS, f"{name} runs {command[0]!r}, not one of {sorted(SCRIPTS)}"
        if command[0] == "powershare-hub":
            hub_parser().parse_args(command[1:])  # exits on an unknown subcommand


def test_every_variable_is_in_the_env_example(compose_file: Path) -> None:
    example = (DEPLOY / ".env.example").read_text()
    defined = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", example, re.MULTILINE))
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", compose_file.read_text()))
    assert used, "no ${VAR} at all: secrets must come from .env"
    assert used <= defined, f"not in deploy/.env.example: {sorted(used - defined)}"
    assert not re.search(r"^[A-Z_]+=\S", example.split("# Host ports")[0], re.MULTILINE), (
        "the example must leave secrets empty"
    )


def interpolate(value: str) -> str:
    """What compose makes of ${VAR:?...} and ${VAR:-default} with every VAR set to a test value."""
    return re.sub(r"\$\{([A-Z_0-9]+)(?::[?-][^}]*)?\}", lambda m: f"test-{m.group(1).lower()}", value)


def hub_environment(service: dict[str, Any]) -> dict[str, str]:
    return {key: interpolate(str(value)) for key, value in service.get("environment", {}).items()}


@pytest.mark.parametrize("service", ["migrate", *HUB_SERVICES])
def test_hub_environment_is_valid_hub_settings(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    env = hub_environment(load_compose(COMPOSE)["services"][service])
    for key in [k for k in os.environ if k.startswith("POWERSHARE_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        assert key.startswith("POWERSHARE_"), f"{service}: {key} is not a hub setting"
        assert key.removeprefix("POWERSHARE_").lower() in Settings.model_fields, (
            f"{service}: no setting {key}"
        )
        monkeypatch.setenv(key, value)
    settings = load_settings()
    assert settings.env == "production"
    assert settings.database_url.startswith("postgresql+psycopg://")


def test_migrations_run_once_before_the_replicas() -> None:
    services = load_compose(COMPOSE)["services"]
    assert services["migrate"]["command"] == ["powershare-hub", "migrate"]
    assert services["migrate"].get("restart") == "no"
    client_ids, replica_ids = set(), set()
    for name in HUB_SERVICES:
        hub = services[name]
        assert hub["command"] == ["powershare-hub", "serve"]
        assert hub["environment"]["POWERSHARE_MIGRATE"] == "skip", f"{name} would migrate too"
        assert hub["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert hub["depends_on"]["db"]["condition"] == "service_healthy"
        client_ids.add(hub["environment"]["POWERSHARE_MQTT_CLIENT_ID"])
        replica_ids.add(hub["environment"]["POWERSHARE_REPLICA_ID"])
        # the replicas share every community through the leases, not by a split made by hand
        assert "POWERSHARE_MQTT_COMMUNITY" not in hub["environment"]
    # One MQTT client id per replica, or the broker would keep throwing one out for the other;
    # one name per replica, or two would renew each other's leases.
    assert len(client_ids) == len(HUB_SERVICES)
    assert len(replica_ids) == len(HUB_SERVICES)


# --- the migrate setting ---------------------------------------------------------------------


def test_a_bad_migrate_value_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERSHARE_MIGRATE", "sometimes")
    with pytest.raises(ConfigError, match="POWERSHARE_MIGRATE"):
        load_settings()
    monkeypatch.setenv("POWERSHARE_MIGRATE", "skip")
    assert load_settings().migrate == "skip"
    monkeypatch.delenv("POWERSHARE_MIGRATE")
    assert load_settings().migrate == "auto"


async def test_a_hub_with_migrate_skip_leaves_the_schema_to_the_migrate_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    import hub.api.app
    from hub.server import running_hub

    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"
    # The step compose and systemd run first, through the installed entry point.
    entry_point = Path(sys.executable).parent / "powershare-hub"
    migrate = await asyncio.create_subprocess_exec(
        str(entry_point), "migrate", "--database-url", url, stderr=asyncio.subprocess.PIPE
    )
    _out, err = await asyncio.wait_for(migrate.communicate(), timeout=120)
    assert migrate.returncode == 0, err.decode()

    async def must_not_migrate(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a replica with POWERSHARE_MIGRATE=skip migrated")

    monkeypatch.setattr(hub.api.app, "migrate", must_not_migrate)
    settings = Settings(database_url=url, migrate="skip", http_port=free_port(), mqtt_port=free_port())
    async with running_hub(settings), httpx.AsyncClient(timeout=10) as http:
        response = await http.get(f"http://{settings.http_host}:{settings.http_port}/api/health")
    assert response.status_code == 200


# --- Mosquitto -------------------------------------------------------------------------------

CONFIG_PATH_KEYS = ("include_dir", "password_file", "acl_file", "certfile", "keyfile", "persistence_location")


def make_certificate(directory: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        tool_missing("openssl")
    cert, key = directory / "test.crt", directory / "test.key"
    subprocess.run(
        [
            *(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
            ),
            *("-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def rewrite_mosquitto_conf(text: str, root: Path, ports: dict[int, int]) -> str:
    """The same configuration with the container's paths under ``root`` and its ports free here."""
    lines = []
    for line in text.splitlines():
        words = line.split()
        if words and words[0] in CONFIG_PATH_KEYS:
            line = f"{words[0]} {root}{words[1]}"
        elif words and words[0] == "listener":
            port = int(words[1])
            ports.setdefault(port, free_port())
            line = " ".join(["listener", str(ports[port]), *words[2:]])
        lines.append(line)
    return "\n".join(lines) + "\n"


class RunningMosquitto:
    def __init__(self, process: subprocess.Popen[bytes], ports: dict[int, int], cert: Path) -> None:
        self.process, self.ports, self.cert = process, ports, cert


@pytest.fixture
def compose_mosquitto(tmp_path: Path) -> Iterator[RunningMosquitto]:
    """The broker as deploy/compose.yml runs it: its mounts and secrets at their container paths
    (under a temporary root), the hub's password in the password file, a throw-away certificate."""
    if shutil.which("mosquitto") is None or shutil.which("mosquitto_passwd") is None:
        tool_missing("mosquitto")
    compose = load_compose(COMPOSE)
    service = compose["services"]["mqtt"]
    root = tmp_path / "container"
    cert, key = make_certificate(tmp_path)
    ports: dict[int, int] = {}
    for source, target in bind_mounts(service):
        dest = root / PurePosixPath(target).relative_to("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = (DEPLOY / source).read_text()
        dest.write_text(rewrite_mosquitto_conf(text, root, ports) if dest.suffix == ".conf" else text)
    for _volume, target in named_volumes(service):
        (root / PurePosixPath(target).relative_to("/")).mkdir(parents=True, exist_ok=True)
    for target, host_file in secret_targets(compose, service).items():
        dest = root / PurePosixPath(target).relative_to("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        if host_file.name.endswith(".passwd"):
            subprocess.run(["mosquitto_passwd", "-c", "-b", str(dest), "hub", "hub-secret"], check=True)
        elif host_file.suffix == ".crt":
            shutil.copy(cert, dest)
        elif host_file.suffix == ".key":
            shutil.copy(key, dest)
        else:
            pytest.fail(f"the test does not know how to make the secret {host_file.name}")
    main = root / "mosquitto" / "config" / "mosquitto.conf"
    config = main.read_text()
    if os.geteuid() == 0:  # else it drops to user mosquitto, who cannot read the test's files
        config = "user root\n" + config
    main.write_text(config)
    log = (tmp_path / "mosquitto.log").open("wb")
    process = subprocess.Popen(["mosquitto", "-c", str(main)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while not all(port_open("127.0.0.1", port) for port in ports.values()):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"mosquitto did not start: {(tmp_path / 'mosquitto.log').read_text()}")
            time.sleep(0.05)
        yield RunningMosquitto(process, ports, cert)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def mqtt_connect(port: int, username: str, password: str) -> ReasonCode:
    """The CONNACK's reason for one login (0 / Success when accepted)."""
    client = paho_mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"deploy-test-{username}")
    client.username_pw_set(username, password)
    result: list[ReasonCode] = []
    client.on_connect = lambda _c, _u, _f, reason, _p: result.append(reason)
    client.connect("127.0.0.1", port, keepalive=10)
    deadline = time.monotonic() + 5
    while not result and time.monotonic() < deadline:
        client.loop(timeout=0.1)
    client.disconnect()
    assert result, "no CONNACK"
    return result[0]


def hub_port(compose_mosquitto: RunningMosquitto) -> int:
    """Where the hub containers connect: the port of POWERSHARE_MQTT_URL, mapped to this test's."""
    url = load_compose(COMPOSE)["services"]["hub-a"]["environment"]["POWERSHARE_MQTT_URL"]
    port = int(url.rsplit(":", 1)[1])
    assert port in compose_mosquitto.ports, f"the hubs connect to {port}, where the broker does not listen"
    return compose_mosquitto.ports[port]


def test_mosquitto_takes_the_hubs_login_on_the_compose_network(compose_mosquitto: RunningMosquitto) -> None:
    port = hub_port(compose_mosquitto)
    assert not mqtt_connect(port, "hub", "hub-secret").is_failure
    assert mqtt_connect(port, "hub", "wrong").is_failure
    assert mqtt_connect(port, "house-1", "").is_failure  # no anonymous clients


def test_the_brokers_health_check_passes_only_with_the_hubs_password(
    compose_mosquitto: RunningMosquitto,
) -> None:
    if shutil.which("mosquitto_pub") is None:
        tool_missing("mosquitto_pub")
    test = load_compose(COMPOSE)["services"]["mqtt"]["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    # Compose turns $$ into $; the shell then reads the container's MQTT_HUB_PASSWORD.
    command = test[1].replace("$$", "$").replace("-p 1884", f"-p {hub_port(compose_mosquitto)}")
    for password, healthy in (("hub-secret", True), ("wrong", False)):
        result = subprocess.run(
            ["sh", "-c", command],
            env={**os.environ, "MQTT_HUB_PASSWORD": password},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert (result.returncode == 0) is healthy, result.stderr


def test_mosquitto_listens_for_agents_with_tls_where_compose_publishes(
    compose_mosquitto: RunningMosquitto,
) -> None:
    service = load_compose(COMPOSE)["services"]["mqtt"]
    published = {int(interpolate(str(p)).rsplit(":", 1)[1]) for p in service["ports"]}
    assert published == {8883}, "only the TLS listener may be published"
    context = ssl.create_default_context(cafile=str(compose_mosquitto.cert))
    with (
        socket.create_connection(("127.0.0.1", compose_mosquitto.ports[8883]), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        assert tls.version() is not None


# --- EMQX ------------------------------------------------------------------------------------

BROKER_SECRET = "Bearer test-secret"


def emqx_config(tmp_path: Path) -> Any:
    """deploy/emqx/emqx.conf as HOCON, with its secret include made at the path compose mounts it."""
    compose = load_compose(EMQX_COMPOSE)
    secrets = secret_targets(compose, compose["services"]["emqx1"])
    text = (DEPLOY / "emqx" / "emqx.conf").read_text()
    includes = re.findall(r'include "([^"]+)"', text)
    assert includes, "the broker secret is included from a file"
    for path in set(includes):
        assert path in secrets, f"emqx.conf includes {path}, which compose does not mount"
        local = tmp_path / Path(path).name
        local.write_text(f'authorization = "{BROKER_SECRET}"\n')
        text = text.replace(f'include "{path}"', f'include "{local}"')
    return ConfigFactory.parse_string(text)


def test_emqx_checks_agents_against_the_hub_with_the_shared_secret(tmp_path: Path) -> None:
    from hub.api.app import create_app

    config = emqx_config(tmp_path)
    routes = set(create_app(Settings()).openapi()["paths"])
    http_auth = next(a for a in config["authentication"] if a["backend"] == "http")
    http_acl = next(s for s in config["authorization"]["sources"] if s["type"] == "http")
    for backend, model in ((http_auth, AuthnRequest), (http_acl, AuthzRequest)):
        path = "/" + backend["url"].split("/", 3)[3]
        assert path in routes, f"EMQX calls {path}, which the hub does not serve"
        assert backend["headers"]["authorization"] == BROKER_SECRET
        assert set(backend["body"]) <= set(model.model_fields), f"{path}: fields the hub does not take"
        required = {name for name, field in model.model_fields.items() if field.is_required()}
        assert required <= set(backend["body"]), f"{path}: the hub needs {sorted(required)}"
    # The hub's own account is not a site: the hub answers "ignore" and the next authenticator knows it.
    assert [a["backend"] for a in config["authentication"]] == ["http", "built_in_database"]
    assert config["authorization"]["no_match"] == "deny"


def test_emqx_files_it_names_are_mounted(tmp_path: Path) -> None:
    config = emqx_config(tmp_path)
    compose = load_compose(EMQX_COMPOSE)
    assert {"emqx1", "emqx2", "emqx3"} <= set(compose["services"])
    seeds = set(config["cluster"]["static"]["seeds"])
    for name in ("emqx1", "emqx2", "emqx3"):
        service = compose["services"][name]
        mounted = {target for _source, target in bind_mounts(service)} | set(secret_targets(compose, service))
        file_sources = [s["path"] for s in config["authorization"]["sources"] if s["type"] == "file"]
        users = [a["bootstrap_file"] for a in config["authentication"] if "bootstrap_file" in a]
        ssl_files = list(config["listeners"]["ssl"]["default"]["ssl_options"].values())
        for path in file_sources + users + ssl_files:
            assert path in mounted, f"{name}: {path} is named in emqx.conf but not mounted"
        assert service["environment"]["EMQX_NODE__NAME"] in seeds, f"{name} is not a cluster seed"
        assert "/etc/emqx.conf" in " ".join(t for _s, t in bind_mounts(service))


def hub_topics_mosquitto() -> set[tuple[str, str]]:
    rules, user = set(), None
    for line in (DEPLOY / "mosquitto" / "powershare.acl").read_text().splitlines():
        words = line.split()
        if words[:1] == ["user"]:
            user = words[1]
        elif words[:1] == ["pattern"]:
            user = None
        elif words[:1] == ["topic"] and user == "hub":
            rules.add(({"read": "subscribe", "write": "publish"}[words[1]], words[2]))
    return rules


def test_emqx_acl_is_erlang_terms_with_the_hubs_mosquitto_rules() -> None:
    if shutil.which("erl") is None:
        tool_missing("erl (EMQX reads its ACL file with Erlang's file:consult)")
    acl = DEPLOY / "emqx" / "powershare_acl.conf"
    program = (
        f'{{ok, Terms}} = file:consult("{acl}"), '
        'lists:foreach(fun({allow, {username, "hub"}, Action, Topics}) -> '
        '[io:format("~s ~s~n", [Action, T]) || T <- Topics]; (_) -> ok end, Terms), halt().'
    )
    result = subprocess.run(
        ["erl", "-noshell", "-eval", program], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    emqx_rules = {tuple(line.split()) for line in result.stdout.splitlines() if line}
    assert emqx_rules == hub_topics_mosquitto()
    assert "{deny, all}." in acl.read_text()


# --- systemd ---------------------------------------------------------------------------------


def unit_entries(path: Path) -> dict[str, list[str]]:
    """``Section.Key`` -> every value it is given (systemd keys may repeat)."""
    entries: dict[str, list[str]] = {}
    section = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return entries


UNITS = ["powershare-migrate.service", "powershare-hub@.service", "powershare-agent.service"]


@pytest.mark.parametrize("unit", UNITS)
def test_units_start_our_entry_points_hardened(unit: str) -> None:
    entries = unit_entries(SYSTEMD / unit)
    for command in entries["Service.ExecStart"]:
        binary = command.split()[0]
        assert binary.startswith(INSTALL_PREFIX), binary
        assert binary.removeprefix(INSTALL_PREFIX) in SCRIPTS, binary
    assert entries["Service.ProtectSystem"] == ["strict"]
    assert entries["Service.NoNewPrivileges"] == ["yes"]
    assert entries.get("Service.User") or entries.get("Service.DynamicUser") == ["yes"]


def test_replicas_require_the_migrate_step_and_never_migrate() -> None:
    migrate = unit_entries(SYSTEMD / "powershare-migrate.service")
    assert migrate["Service.Type"] == ["oneshot"]
    assert migrate["Service.ExecStart"] == [f"{INSTALL_PREFIX}powershare-hub migrate"]
    hub = unit_entries(SYSTEMD / "powershare-hub@.service")
    assert "powershare-migrate.service" in hub["Unit.Requires"][0].split()
    assert "powershare-migrate.service" in hub["Unit.After"][0].split()
    assert "POWERSHARE_MIGRATE=skip" in hub["Service.Environment"]
    assert "POWERSHARE_MQTT_CLIENT_ID=powershare-hub-%i" in hub["Service.Environment"]
    assert "POWERSHARE_REPLICA_ID=hub-%i" in hub["Service.Environment"]
    assert hub["Service.Restart"] == ["on-failure"]


def test_the_agent_writes_only_its_spool() -> None:
    agent = unit_entries(SYSTEMD / "powershare-agent.service")
    assert agent["Service.ReadWritePaths"] == ["/var/lib/powershare-agent"]
    assert agent["Service.StateDirectory"] == ["powershare-agent"]
    assert agent["Service.Restart"] == ["on-failure"]
    assert "dialout" in agent["Service.SupplementaryGroups"][0].split()
    spool = tomllib.loads((DEPLOY / "agent" / "agent.example.toml").read_text())["spool"]["path"]
    assert spool.startswith(agent["Service.ReadWritePaths"][0] + "/")


def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        tool_missing("systemd-analyze")
    bin_dir = tmp_path / "bin"  # verify wants ExecStart's binary to exist: stand-ins for the venv's
    bin_dir.mkdir()
    for script in SCRIPTS:
        stand_in = bin_dir / script
        stand_in.write_text("#!/bin/sh\n")
        stand_in.chmod(0o755)
    units = []
    for unit in UNITS:
        name = unit.replace("@.", "@8000.")  # a template is verified as an instance
        (tmp_path / name).write_text((SYSTEMD / unit).read_text().replace(INSTALL_PREFIX, f"{bin_dir}/"))
        units.append(str(tmp_path / name))
    result = subprocess.run(
        ["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60, check=False
    )
    # verify exits 0 on unknown keys and bad values, but says so: any word from it is a finding.
    assert result.returncode == 0, result.stderr
    assert not result.stderr.strip()
