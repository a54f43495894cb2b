"""Provides the slip printers: a folder of PDFs, a CUPS queue through `lp`, or an ESC/POS
receipt printer on a device file or the network, chosen by one setting (`slip_printer`).

Every failure, whatever its cause, reaches the caller as a `PrinterError` worded for a
volunteer. The handout is already saved when a slip prints, so a failed print only means
printing the slip again once the printer is back.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from distro.domain.core.errors import NotWritten
from distro.domain.distribution.slip_view import SlipView
from distro.printing.printers import FolderPrinter
from distro.printing.slip import PrinterError, SlipLayout
from distro.printing.slip_escpos import INSTALL, escpos_installed, slip_escpos
from distro.printing.slip_pdf import slip_pdf

__all__ = [
    "EscposSlipPrinter",
    "FolderSlipPrinter",
    "LpSlipPrinter",
    "PrinterError",
    "SlipPrinter",
    "describe_printer",
    "slip_printer",
]

LP_TIMEOUT_SECONDS = 15.0
NETWORK_TIMEOUT_SECONDS = 5.0
_AFTERWARDS = "the handout is saved, reprint the slip when it is back"
_SETTING_FORMS = (
    "'folder' (PDF files in the slips folder), 'lp:NAME' (a CUPS printer), or "
    "'escpos:/dev/usb/lp0' or 'escpos:HOST:PORT' (an ESC/POS receipt printer)"
)


@runtime_checkable
class SlipPrinter(Protocol):
    """Something that prints a handout slip and says where it went."""

    def print_slip(self, slip: SlipView) -> str:
        """Print `slip`; return where it went in a few words. Raises PrinterError."""
        ...


class FolderSlipPrinter:
    """Saves each slip as `<code>.pdf` in a folder: a printer's hot folder, or just a folder.

    A reprint replaces the file of the same code; its page says REPRINT.
    """

    def __init__(self, folder: Path, layout: SlipLayout) -> None:
        self.folder = folder
        self.layout = layout

    @property
    def description(self) -> str:
        return f"PDF files in {self.folder}"

    def print_slip(self, slip: SlipView) -> str:
        """Write the slip's PDF; return the file's path."""
        pdf = slip_pdf(slip, self.layout)
        try:
            return str(FolderPrinter(self.folder).print_pdf(slip.code, pdf))
        except NotWritten as error:
            raise PrinterError(
                f"The slip could not be saved in {self.folder}: {error.reason}; {_AFTERWARDS}."
            ) from error


class LpSlipPrinter:
    """Sends each slip's PDF to a CUPS printer with `lp -d NAME -t CODE -`."""

    def __init__(self, name: str, layout: SlipLayout, command: Sequence[str] = ("lp",)) -> None:
        self.name = name
        self.layout = layout
        self.command = tuple(command)
        """The `lp` program and any leading arguments; tests put a fake script here."""

    @property
    def description(self) -> str:
        return f"CUPS printer {self.name}"

    def print_slip(self, slip: SlipView) -> str:
        """Hand the PDF to `lp` on its standard input; return 'printer NAME'."""
        arguments = [*self.command, "-d", self.name, "-t", slip.code, "-"]
        try:
            result = subprocess.run(
                arguments,
                input=slip_pdf(slip, self.layout),
                capture_output=True,
                timeout=LP_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise self._error(f"no reply in {LP_TIMEOUT_SECONDS:g} seconds") from error
        except FileNotFoundError as error:
            raise self._error(f"the {self.command[0]} program is not installed") from error
        except OSError as error:
            raise self._error(error.strerror or str(error)) from error
        if result.returncode != 0:
            said = " ".join(result.stderr.decode(errors="replace").split())
            raise self._error(said or f"{self.command[0]} stopped with code {result.returncode}")
        return f"printer {self.name}"

    def _error(self, reason: str) -> PrinterError:
        return PrinterError(f"The printer {self.name} did not answer: {reason}; {_AFTERWARDS}.")


class EscposSlipPrinter:
    """Sends each slip's ESC/POS bytes to a device file (`/dev/usb/lp0`) or to `host:port`.

    We write the bytes from python-escpos's `Dummy` ourselves rather than use its File and
    Network printers: an open and a socket are all it takes, and every error stays an OSError
    we can word for a volunteer.
    """

    def __init__(self, target: str) -> None:
        """Raises ValueError when `target` ends in a port number outside 1-65535."""
        self.target = target
        self.address = _address(target)
        """(host, port) for a network printer; None for a device file."""

    @property
    def description(self) -> str:
        return f"ESC/POS printer at {self.target}"

    def print_slip(self, slip: SlipView) -> str:
        """Send the slip; return 'ESC/POS printer at TARGET'."""
        data = slip_escpos(slip)
        try:
            if self.address is None:
                _write_device(Path(self.target), data)
            else:
                _send(self.address, data)
        except OSError as error:
            reason = error.strerror or str(error) or type(error).__name__
            raise PrinterError(
                f"The {self.description} did not answer: {reason}; {_AFTERWARDS}."
            ) from error
        return self.description


def _address(target: str) -> tuple[str, int] | None:
    """`host:port` split, or None when `target` is a path (it starts with / or has no port)."""
    host, colon, port = target.rpartition(":")
    if target.startswith("/") or not colon or not host or not port.isdigit():
        return None
    if not 1 <= int(port) <= 65535:
        raise ValueError(f"{port} is not a network port: ports are 1 to 65535.")
    return host.strip("[]"), int(port)


def _write_device(path: Path, data: bytes) -> None:
    with path.open("wb") as device:
        device.write(data)


def _send(address: tuple[str, int], data: bytes) -> None:
    with socket.create_connection(address, timeout=NETWORK_TIMEOUT_SECONDS) as connection:
        connection.sendall(data)


def slip_printer(setting: str, slips_dir: Path, layout: SlipLayout) -> SlipPrinter:
    """The printer a `slip_printer` setting names; `layout` is the paper for PDF printers.

    "" or "folder": PDFs in `slips_dir`; "lp:NAME": CUPS; "escpos:/dev/usb/lp0" or
    "escpos:HOST:PORT": a receipt printer. Raises ValueError for anything else.
    """
    return _parse(setting, slips_dir, layout)


def describe_printer(setting: str, slips_dir: Path) -> str:
    """Where slips go under `setting`, for `distro info`. Raises ValueError like
    `slip_printer`."""
    printer = _parse(setting, slips_dir, SlipLayout.RECEIPT)
    if isinstance(printer, EscposSlipPrinter) and not escpos_installed():
        return f"{printer.description}, which needs python-escpos: {INSTALL}"
    return printer.description


def _parse(
    setting: str, slips_dir: Path, layout: SlipLayout
) -> FolderSlipPrinter | LpSlipPrinter | EscposSlipPrinter:
    kind, colon, rest = setting.strip().partition(":")
    if kind in ("", "folder") and not colon:
        return FolderSlipPrinter(slips_dir, layout)
    if kind == "lp" and rest.strip():
        return LpSlipPrinter(rest.strip(), layout)
    if kind == "escpos" and rest.strip():
        return EscposSlipPrinter(rest.strip())
    raise ValueError(f"The slip printer {setting!r} is not one we know: use {_SETTING_FORMS}.")
