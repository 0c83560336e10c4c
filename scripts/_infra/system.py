"""Running commands and installing missing system packages with apt."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from _infra.procs import InfraError


def run(cmd: list[str], *, what: str, quiet: bool = False) -> str:
    """Run a command; return its stdout, raise InfraError with its output when it fails."""
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-4000:]
        raise InfraError(f"{what} failed (exit {done.returncode}): {' '.join(cmd)}\n{output}")
    if not quiet and done.stderr.strip():
        print(done.stderr.strip(), file=sys.stderr)
    return done.stdout


def apt_install(*packages: str) -> None:
    """Install Debian packages (needs root, or sudo without a password)."""
    if shutil.which("apt-get") is None:
        raise InfraError(f"apt-get not found; install {' '.join(packages)} by hand")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"installing {' '.join(packages)} with apt-get...", file=sys.stderr, flush=True)
    for cmd in (
        [*sudo, "apt-get", "update", "-q"],
        [
            *sudo,
            "apt-get",
            "install",
            "-y",
            "-q",
            "-o",
            "Dpkg::Options::=--force-confold",
            *packages,
        ],
    ):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise InfraError(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def require_command(command: str, *, apt_package: str) -> str:
    """The path of a command, installing its package with apt when it is missing."""
    found = shutil.which(command)
    if found is None:
        apt_install(apt_package)
        found = shutil.which(command)
    if found is None:
        raise InfraError(f"{command} still missing after installing {apt_package}")
    return found
