"""The soak's own Mosquitto and PostgreSQL, each restartable (or killable) on its port and data.

The tests that kill and restart a broker of their own use this Mosquitto too.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from soak.ports import listener_port, wait_for_port

REPO = Path(__file__).resolve().parents[1]
SHIPPED_ACL = REPO / "deploy" / "mosquitto" / "powershare.acl"


class ToolMissing(RuntimeError):
    """A binary the soak starts is not installed; the message names it and how to get it."""


def require(tool: str, package: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise ToolMissing(f"{tool} is not on PATH: install {package}")
    return found


class Mosquitto:
    """Mosquitto with persistence, its files in ``root``, restartable on its port (one below the
    ephemeral range, see :func:`soak.ports.listener_port`).

    With ``logins`` it is set up as deploy/mosquitto/powershare.conf sets it: no anonymous
    clients, the shipped ACL. Without, anyone may connect (the tests' brokers). The in-flight
    limits default to the soak's, whose hub drains thousands of queued readings after a
    restart; ``None`` leaves Mosquitto's own.

    ``autosave_interval`` is long, so nothing is saved unless :meth:`save` asks for it: a
    ``kill -9`` then loses whatever the broker held in memory since its last save.
    """

    def __init__(
        self,
        root: Path,
        logins: Mapping[str, str] | None = None,
        *,
        max_inflight_messages: int | None = 5000,
        max_inflight_bytes: int | None = 20_000_000,
    ) -> None:
        require("mosquitto", "mosquitto")
        self.root = root
        self.port = listener_port()
        self.log = root / "mosquitto.log"
        root.mkdir(parents=True, exist_ok=True)
        lines = [
            "per_listener_settings false",
            *self._access(logins),
            f"listener {self.port} 127.0.0.1",
            "max_queued_messages 100000",
        ]
        if max_inflight_messages is not None:
            lines.append(f"max_inflight_messages {max_inflight_messages}")
        if max_inflight_bytes is not None:
            lines.append(f"max_inflight_bytes {max_inflight_bytes}")
        lines += [
            "persistence true",
            f"persistence_location {root}/",
            "autosave_interval 86400",  # saves only when asked (SIGUSR1) or on a clean exit
        ]
        if os.geteuid() == 0:  # else it drops to user mosquitto, who cannot write these files
            lines.insert(0, "user root")
        self.config = root / "mosquitto.conf"
        self.config.write_text("\n".join(lines) + "\n")
        self.process: subprocess.Popen[bytes] | None = None

    def _access(self, logins: Mapping[str, str] | None) -> list[str]:
        """Configuration lines for who may connect: anyone, or ``logins`` under the shipped ACL."""
        if logins is None:
            return ["allow_anonymous true"]
        passwd_tool = require("mosquitto_passwd", "mosquitto-clients / mosquitto")
        passwords = self.root / "powershare.passwd"
        passwords.unlink(missing_ok=True)
        for user, password in logins.items():
            create = ["-c"] if not passwords.exists() else []
            subprocess.run([passwd_tool, *create, "-b", str(passwords), user, password], check=True)
        shutil.copy(SHIPPED_ACL, self.root / "powershare.acl")
        return [
            "allow_anonymous false",
            f"password_file {passwords}",
            f"acl_file {self.root / 'powershare.acl'}",
        ]

    @property
    def database(self) -> Path:
        return self.root / "mosquitto.db"

    def start(self) -> None:
        with self.log.open("ab") as log:  # the child keeps its own handle
            self.process = subprocess.Popen(["mosquitto", "-c", str(self.config)], stdout=log, stderr=log)
        wait_for_port(self.port, self.process, self.log)

    def save(self, timeout_s: float = 10) -> None:
        """Have the broker write its in-memory state now (SIGUSR1), and wait until it has."""
        assert self.process is not None
        before = self.database.stat().st_mtime_ns if self.database.exists() else 0
        self.process.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + timeout_s
        while not (self.database.exists() and self.database.stat().st_mtime_ns != before):
            if time.monotonic() > deadline:
                raise RuntimeError(f"mosquitto did not save {self.database} within {timeout_s:.0f} s")
            time.sleep(0.02)

    def kill(self) -> None:
        """``kill -9``: no save on the way out."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class Postgres:
    """A PostgreSQL server of the soak's own (``initdb`` into a fresh directory, ``pg_ctl``).

    PostgreSQL refuses to run as root: when the soak is root, the server runs as the
    ``postgres`` user, with its data directory owned by that user.
    """

    def __init__(self, root: Path) -> None:
        self.initdb = require("initdb", "the PostgreSQL server (postgresql)")
        self.pg_ctl = require("pg_ctl", "the PostgreSQL server (postgresql)")
        self.root = root
        self.data = root / "data"
        self.log = root / "postgres.log"
        self.port = listener_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = [require("runuser", "util-linux"), "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self._as_user, *args], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args[:2])} failed: {result.stderr.strip() or result.stdout.strip()}"
            )

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self._as_user:
            self.root.chmod(0o755)
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            self.initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
        self._run(
            self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        """``mode`` immediate: the server exits at once without a checkpoint, as if it crashed."""
        self._run(self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop")

    def stop_quietly(self) -> None:
        subprocess.run(
            [*self._as_user, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            check=False,
        )
