#!/usr/bin/env python3
"""Set up and run Escalations Desk with nothing but Python 3.11.

    python3 dev.py run     install, migrate, load demo data, run web + worker + beat
    python3 dev.py test    install, run the test suite (extra arguments go to pytest)
    python3 dev.py lock    re-resolve requirements*.lock from pyproject.toml (make lock)

Both are idempotent: the virtualenv in .venv is created once and dependencies are
installed from requirements.lock (exact versions, hashes checked), again only when the
lock changes. Ctrl-C stops every process.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
PY = BIN / "python"
STAMP = VENV / ".deps-stamp"
LOCK = ROOT / "requirements.lock"  # runtime + dev extras: dev.py and CI
RUNTIME_LOCK = ROOT / "requirements-runtime.lock"  # runtime only: the Docker image
LOCK_DIGEST = "# pyproject-dependencies-sha256: "
PIP_INSTALL = (PY, "-m", "pip", "install", "-q", "--disable-pip-version-check")


def say(message: str) -> None:
    print(f"\033[1;34m==>\033[0m {message}", flush=True)


def run(*args: str | Path, env: dict | None = None) -> None:
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, env=env)


def fail(message: str) -> None:
    print(f"\033[1;31m==>\033[0m {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def has_pip() -> bool:
    check = [str(PY), "-m", "pip", "--version"]
    return subprocess.run(check, capture_output=True).returncode == 0


def ensure_venv() -> None:
    if not PY.exists():
        say("Creating the virtualenv in .venv")
        venv.EnvBuilder(with_pip=False).create(VENV)
    if has_pip():
        return
    # pip comes from Python's own ensurepip (no download); Debian ships it separately.
    ensurepip = subprocess.run(
        [str(PY), "-m", "ensurepip", "--default-pip"], capture_output=True, text=True
    )
    if ensurepip.returncode != 0 or not has_pip():
        fail(
            "The virtualenv in .venv has no pip, and this Python cannot install one: its "
            "ensurepip module is missing. On Debian or Ubuntu install the python3-venv "
            "package (sudo apt-get install python3-venv), then run this command again."
        )


def declared_dependencies() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["dependencies"] + project["optional-dependencies"]["dev"]


def dependencies_digest() -> str:
    return hashlib.sha256("\n".join(sorted(declared_dependencies())).encode()).hexdigest()


def check_lock() -> bytes:
    """The lock must exist and match pyproject.toml's dependency lists."""
    if not LOCK.exists():
        fail(f"{LOCK.name} is missing: run `make lock` (python3 dev.py lock) and commit it.")
    lock = LOCK.read_bytes()
    if f"{LOCK_DIGEST}{dependencies_digest()}".encode() not in lock:
        fail(
            f"pyproject.toml's dependencies changed since {LOCK.name} was made: run "
            f"`make lock` (python3 dev.py lock) and commit {LOCK.name} and {RUNTIME_LOCK.name}."
        )
    return lock


def install_lock() -> None:
    run(*PIP_INSTALL, "--require-hashes", "--no-deps", "-r", LOCK)


def ensure_dependencies() -> None:
    digest = hashlib.sha256(check_lock()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    say(f"Installing the locked dependencies from {LOCK.name} into .venv")
    install_lock()
    STAMP.write_text(digest)


def cmd_lock() -> int:
    """Resolve pyproject.toml for Python 3.11 on Linux into two hashed locks with uv."""
    ensure_venv()
    uv = BIN / "uv"
    if not uv.exists():
        if LOCK.exists():
            install_lock()  # uv is a dev dependency: the current lock pins it
        else:
            run(*PIP_INSTALL, "uv>=0.9,<1")
    common = [
        "--quiet",
        "--generate-hashes",
        "--python-version",
        "3.11",
        "--python-platform",
        "x86_64-unknown-linux-gnu",
        "--custom-compile-command",
        "make lock",
    ]
    say(f"Resolving pyproject.toml (runtime + dev) into {LOCK.name}")
    run(uv, "pip", "compile", "pyproject.toml", "--extra", "dev", *common, "-o", LOCK)
    say(f"Resolving the runtime dependencies into {RUNTIME_LOCK.name} (same versions)")
    run(uv, "pip", "compile", "pyproject.toml", "-c", LOCK, *common, "-o", RUNTIME_LOCK)
    stamp = f"{LOCK_DIGEST}{dependencies_digest()}\n"
    for path in (LOCK, RUNTIME_LOCK):
        lines = [line for line in path.read_text().splitlines(True) if LOCK_DIGEST not in line]
        path.write_text(stamp + "".join(lines))
    say(f"Done: commit {LOCK.name} and {RUNTIME_LOCK.name}")
    return 0


def manage(*args: str) -> None:
    run(PY, "manage.py", *args)


class Launcher:
    """Start children in their own sessions; forward Ctrl-C; wait before killing.

    A warm Celery shutdown takes 5-7 s, so children get up to 20 s before SIGKILL.
    """

    def __init__(self) -> None:
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.stopping = False

    def start(self, name: str, *args: str) -> None:
        proc = subprocess.Popen([str(a) for a in args], cwd=ROOT, start_new_session=True)
        self.children.append((name, proc))

    def stop(self, *_: object) -> None:
        if self.stopping:
            return
        self.stopping = True
        say("Stopping web, worker and beat")
        for _name, proc in self.children:
            if proc.poll() is None:
                # Only the main process: Celery stops its own pool children cleanly.
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _name, proc in self.children:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{_name} did not stop in time; killing it")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)

    def wait(self) -> int:
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        while not self.stopping:
            for name, proc in self.children:
                if proc.poll() is not None:
                    say(f"{name} exited with code {proc.returncode}; stopping the others")
                    self.stop()
                    return proc.returncode or 1
            time.sleep(0.5)
        return 0


def cmd_run() -> int:
    ensure_venv()
    ensure_dependencies()
    say("Applying migrations")
    manage("migrate", "--no-input", "-v", "0")
    say("Loading demo data")
    manage("seed_demo")
    port = os.environ.get("PORT", "8000")
    say(f"Starting web on http://127.0.0.1:{port}/ , Celery worker and beat (Ctrl-C stops all)")
    launcher = Launcher()
    launcher.start("web", PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload")
    launcher.start(
        "worker",
        BIN / "celery",
        "-A",
        "config",
        "worker",
        "-l",
        "info",
        "--concurrency",
        "2",
        "-n",
        "worker@%h",
    )
    launcher.start("beat", BIN / "celery", "-A", "config", "beat", "-l", "info")
    return launcher.wait()


def cmd_test(extra: list[str]) -> int:
    ensure_venv()
    ensure_dependencies()
    say("Running ruff")
    lint = subprocess.run([str(BIN / "ruff"), "check", "--no-cache", "."], cwd=ROOT)
    say("Running the test suite")
    tests = subprocess.run([str(BIN / "pytest"), *extra], cwd=ROOT)
    return tests.returncode or lint.returncode


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in {"run", "test", "lock"}:
        print(__doc__)
        return 2
    os.chdir(ROOT)
    if argv[1] == "lock":
        return cmd_lock()
    return cmd_run() if argv[1] == "run" else cmd_test(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
