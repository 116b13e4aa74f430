"""A Mosquitto a test runs and kills itself: the soak's, with anonymous clients and Mosquitto's
own in-flight limits (``soak.services.Mosquitto`` says what a kill loses)."""

from __future__ import annotations

from pathlib import Path

from soak import services
from tests.conftest import BrokerAddress


class Mosquitto(services.Mosquitto):
    def __init__(self, root: Path) -> None:
        super().__init__(root, logins=None, max_inflight_messages=None, max_inflight_bytes=None)

    @property
    def address(self) -> BrokerAddress:
        return BrokerAddress("127.0.0.1", self.port, "mosquitto")
