"""Slip printers deliver the slip where the setting says, and every failure is a PrinterError a
volunteer can read."""

from __future__ import annotations

import socket
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import distro.printing.slip_printers as slip_printers
from distro.printing.slip import SlipLayout
from distro.printing.slip_escpos import slip_escpos
from distro.printing.slip_printers import (
    EscposSlipPrinter,
    FolderSlipPrinter,
    LpSlipPrinter,
    PrinterError,
    SlipPrinter,
    describe_printer,
    slip_printer,
)
from tests.builders.disks import shared_umask
from tests.printing.pdf_reading import decoded, page_text
from tests.printing.test_slip import CODE, make_slip


def script(folder: Path, body: str) -> tuple[str]:
    """A fake `lp`: a shell script with `body`, as a command for LpSlipPrinter."""
    path = folder / "fake-lp"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return (str(path),)


def test_folder_printer_saves_the_pdf_under_the_code(tmp_path: Path) -> None:
    printer = FolderSlipPrinter(tmp_path / "slips", SlipLayout.A6)
    where = printer.print_slip(make_slip())
    assert where == str(tmp_path / "slips" / f"{CODE}.pdf")
    assert decoded(Path(where).read_bytes()) == [CODE]


def test_folder_printer_keeps_slips_and_their_folder_to_their_owner(tmp_path: Path) -> None:
    with shared_umask():
        where = Path(FolderSlipPrinter(tmp_path / "slips", SlipLayout.A6).print_slip(make_slip()))
    assert stat.S_IMODE(where.stat().st_mode) == 0o600
    assert stat.S_IMODE(where.parent.stat().st_mode) == 0o700


def test_folder_printer_replaces_the_file_on_a_reprint(tmp_path: Path) -> None:
    printer = FolderSlipPrinter(tmp_path, SlipLayout.RECEIPT)
    printer.print_slip(make_slip())
    printer.print_slip(make_slip(reprint=True))
    assert [path.name for path in tmp_path.iterdir()] == [f"{CODE}.pdf"]
    assert page_text((tmp_path / f"{CODE}.pdf").read_bytes())[0] == "REPRINT"


def test_folder_printer_that_cannot_write_raises_printer_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(PrinterError, match="could not be saved.*reprint the slip"):
        FolderSlipPrinter(blocker, SlipLayout.A4).print_slip(make_slip())


def test_lp_gets_the_pdf_on_stdin_with_printer_and_title(tmp_path: Path) -> None:
    command = script(tmp_path, f'printf "%s\\n" "$@" > {tmp_path}/args\ncat > {tmp_path}/got')
    printer = LpSlipPrinter("Front_Desk", SlipLayout.A6, command=command)
    assert printer.print_slip(make_slip()) == "printer Front_Desk"
    assert (tmp_path / "args").read_text().split() == ["-d", "Front_Desk", "-t", CODE, "-"]
    pdf = (tmp_path / "got").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert decoded(pdf) == [CODE]


def test_lp_failure_says_what_lp_said(tmp_path: Path) -> None:
    command = script(tmp_path, 'echo "printer out of paper" >&2\nexit 1')
    printer = LpSlipPrinter("Front_Desk", SlipLayout.A6, command=command)
    with pytest.raises(PrinterError, match="Front_Desk did not answer: printer out of paper"):
        printer.print_slip(make_slip())


def test_lp_failure_without_a_message_gives_the_exit_code(tmp_path: Path) -> None:
    printer = LpSlipPrinter("Front_Desk", SlipLayout.A6, command=script(tmp_path, "exit 3"))
    with pytest.raises(PrinterError, match="stopped with code 3"):
        printer.print_slip(make_slip())


def test_missing_lp_is_a_printer_error(tmp_path: Path) -> None:
    printer = LpSlipPrinter("Front_Desk", SlipLayout.A6, command=(str(tmp_path / "no-lp"),))
    with pytest.raises(PrinterError, match="is not installed"):
        printer.print_slip(make_slip())


def test_lp_that_hangs_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slip_printers, "LP_TIMEOUT_SECONDS", 0.5)
    printer = LpSlipPrinter("Front_Desk", SlipLayout.A6, command=script(tmp_path, "exec sleep 30"))
    with pytest.raises(PrinterError, match="no reply in 0.5 seconds"):
        printer.print_slip(make_slip())


def test_escpos_to_a_device_file_writes_the_bytes(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    printer = EscposSlipPrinter(str(device))
    assert printer.print_slip(make_slip()) == f"ESC/POS printer at {device}"
    assert device.read_bytes() == slip_escpos(make_slip())


def test_escpos_to_a_missing_device_is_a_printer_error(tmp_path: Path) -> None:
    with pytest.raises(PrinterError, match="did not answer.*reprint the slip"):
        EscposSlipPrinter(str(tmp_path / "usb" / "lp0")).print_slip(make_slip())


@pytest.fixture
def listening() -> Iterator[tuple[int, Callable[[], bytes]]]:
    """A one-shot receipt printer on localhost: its port, and what it received once the
    sender has closed the connection."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    received: list[bytes] = []

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            received.append(b"".join(iter(lambda: connection.recv(4096), b"")))

    def result() -> bytes:
        thread.join(timeout=5)
        return b"".join(received)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    with server:
        yield server.getsockname()[1], result


def test_escpos_over_the_network_sends_the_bytes(
    listening: tuple[int, Callable[[], bytes]],
) -> None:
    port, received = listening
    printer = EscposSlipPrinter(f"127.0.0.1:{port}")
    assert printer.print_slip(make_slip()) == f"ESC/POS printer at 127.0.0.1:{port}"
    assert received() == slip_escpos(make_slip())


def test_escpos_to_a_closed_port_is_a_printer_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PrinterError, match=f"127.0.0.1:{port} did not answer"):
        EscposSlipPrinter(f"127.0.0.1:{port}").print_slip(make_slip())


@pytest.mark.parametrize("setting", ["", "folder", "  folder "])
def test_setting_for_a_folder(setting: str, tmp_path: Path) -> None:
    printer = slip_printer(setting, tmp_path, SlipLayout.A6)
    assert isinstance(printer, FolderSlipPrinter)
    assert (printer.folder, printer.layout) == (tmp_path, SlipLayout.A6)
    assert describe_printer(setting, tmp_path) == f"PDF files in {tmp_path}"


def test_setting_for_cups(tmp_path: Path) -> None:
    printer = slip_printer("lp:Front_Desk", tmp_path, SlipLayout.A4)
    assert isinstance(printer, LpSlipPrinter)
    assert (printer.name, printer.layout, printer.command) == ("Front_Desk", SlipLayout.A4, ("lp",))
    assert describe_printer("lp:Front_Desk", tmp_path) == "CUPS printer Front_Desk"


@pytest.mark.parametrize(
    ("target", "address"),
    [("/dev/usb/lp0", None), ("192.168.1.50:9100", ("192.168.1.50", 9100))],
)
def test_setting_for_escpos(target: str, address: tuple[str, int] | None, tmp_path: Path) -> None:
    printer = slip_printer(f"escpos:{target}", tmp_path, SlipLayout.RECEIPT)
    assert isinstance(printer, EscposSlipPrinter)
    assert (printer.target, printer.address) == (target, address)
    assert describe_printer(f"escpos:{target}", tmp_path) == f"ESC/POS printer at {target}"


@pytest.mark.parametrize("setting", ["lpr:Front", "lp:", "escpos:", "folder:x", "usb", "PDF"])
def test_unknown_setting_lists_the_forms(setting: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="use 'folder'.*'lp:NAME'.*'escpos:HOST:PORT'"):
        slip_printer(setting, tmp_path, SlipLayout.A6)


def test_port_out_of_range_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ports are 1 to 65535"):
        slip_printer("escpos:printer.local:70000", tmp_path, SlipLayout.A6)


def test_every_printer_is_a_slip_printer(tmp_path: Path) -> None:
    printers = [
        FolderSlipPrinter(tmp_path, SlipLayout.A6),
        LpSlipPrinter("x", SlipLayout.A6),
        EscposSlipPrinter("/dev/usb/lp0"),
    ]
    assert all(isinstance(printer, SlipPrinter) for printer in printers)
