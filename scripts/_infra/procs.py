"""Process bookkeeping: pid files, liveness, ports, polling with a deadline."""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path


class InfraError(RuntimeError):
    """A component failed to start or to answer; the message says what to look at."""


def read_pid(pid_file: Path) -> int | None:
    """The pid recorded in the file, or None when there is none."""
    try:
        return int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def is_alive(pid: int) -> bool:
    """True when a process with that pid exists (and is not a zombie)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """True when something accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_until(check: Callable[[], bool], *, timeout: float, what: str) -> float:
    """Poll `check` until it is true; return the seconds waited, raise after the deadline."""
    start = time.monotonic()
    next_report = 5.0
    while not check():
        elapsed = time.monotonic() - start
        if elapsed > timeout:
            raise InfraError(f"{what}: not ready after {timeout:.0f} s")
        if elapsed >= next_report:
            print(f"  waiting for {what}... {elapsed:.0f} s", file=sys.stderr, flush=True)
            next_report += 5.0
        time.sleep(0.2)
    return time.monotonic() - start


def stop_process_group(pid: int, *, timeout: float = 30.0) -> None:
    """SIGTERM the process group led by `pid`, then SIGKILL it after the deadline."""
    _signal_group(pid, signal.SIGTERM)
    try:
        wait_until(lambda: not is_alive(pid), timeout=timeout, what=f"pid {pid} to exit")
    except InfraError:
        print(f"  pid {pid} ignored SIGTERM for {timeout:.0f} s; sending SIGKILL", file=sys.stderr)
        _signal_group(pid, signal.SIGKILL)
        wait_until(lambda: not is_alive(pid), timeout=10, what=f"pid {pid} to die")


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        return
    except PermissionError:
        os.kill(pid, sig)


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, for error reports."""
    if not path.exists():
        return f"(no {path})"
    content = path.read_text(errors="replace").splitlines()[-lines:]
    return f"--- last {len(content)} lines of {path} ---\n" + "\n".join(content)
