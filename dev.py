#!/usr/bin/env python3
"""Set up and run Escalations Desk with nothing but Python 3.11.

    python3 dev.py run     install, migrate, load demo data, run web + worker + beat
    python3 dev.py test    install, run the test suite (extra arguments go to pytest)

Both are idempotent: the virtualenv in .venv is created once and dependencies are
reinstalled only when pyproject.toml changes. Ctrl-C stops every process.
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
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
PY = BIN / "python"
STAMP = VENV / ".deps-stamp"


def say(message: str) -> None:
    print(f"\033[1;34m==>\033[0m {message}", flush=True)


def run(*args: str | Path, env: dict | None = None) -> None:
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, env=env)


def ensure_venv() -> None:
    if PY.exists():
        return
    say("Creating the virtualenv in .venv")
    try:
        venv.EnvBuilder(with_pip=True).create(VENV)
    except (subprocess.CalledProcessError, OSError):
        # Debian's python3 without python3-venv has no ensurepip: bootstrap pip from PyPI.
        venv.EnvBuilder(with_pip=False, clear=True).create(VENV)
        wheel = VENV / "pip.whl"
        with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60) as resp:
            import json

            urls = json.load(resp)["urls"]
        url = next(u["url"] for u in urls if u["filename"].endswith(".whl"))
        urllib.request.urlretrieve(url, wheel)
        run(PY, f"{wheel}/pip", "install", "-q", str(wheel))
        wheel.unlink()


def ensure_dependencies() -> None:
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    digest = hashlib.sha256(pyproject).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    project = tomllib.loads(pyproject.decode())["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["dev"]
    say(f"Installing {len(deps)} dependencies into .venv")
    run(PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-U", "pip")
    run(PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", *deps)
    STAMP.write_text(digest)


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
    if len(argv) < 2 or argv[1] not in {"run", "test"}:
        print(__doc__)
        return 2
    os.chdir(ROOT)
    return cmd_run() if argv[1] == "run" else cmd_test(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
