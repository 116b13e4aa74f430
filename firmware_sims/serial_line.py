"""Settings of one serial line (an RS-485 bus) that simulated devices answer Modbus RTU on."""

from __future__ import annotations

from dataclasses import dataclass

BAUDRATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
PARITIES = ("N", "E", "O")


@dataclass(frozen=True)
class SerialLine:
    """``port`` is a device path (``/dev/ttyUSB0``, one end of a pty pair); 8 data bits always."""

    port: str
    baudrate: int = 9600
    parity: str = "N"
    stopbits: int = 1

    def __post_init__(self) -> None:
        if not self.port:
            raise ValueError("serial port: expected a device path such as /dev/ttyUSB0, got ''")
        if self.baudrate not in BAUDRATES:
            raise ValueError(
                f"baudrate: expected one of {', '.join(map(str, BAUDRATES))}, got {self.baudrate!r}"
            )
        if self.parity not in PARITIES:
            raise ValueError(f"parity: expected one of {', '.join(PARITIES)}, got {self.parity!r}")
        if self.stopbits not in (1, 2):
            raise ValueError(f"stopbits: expected 1 or 2, got {self.stopbits!r}")

    @property
    def description(self) -> str:
        """As the command line prints it, e.g. ``/dev/ttyUSB0@9600,8N1``."""
        return f"{self.port}@{self.baudrate},8{self.parity}{self.stopbits}"
