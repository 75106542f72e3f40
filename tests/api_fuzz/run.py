"""API fuzzing with schemathesis against the running app, once per role (API-1, API-4).

    .venv/bin/python tests/api_fuzz/run.py [--examples N] [--seed S] [--role admin ...]

Builds a throw-away database (a SQLite file in a temp dir, or, when ``DATABASE_URL`` points
at PostgreSQL, a separate database created here and dropped afterwards), migrates, loads
the demo data, creates one user per role with ``manage.py createuser`` (its token is the
last line), serves the app with gunicorn (``DEBUG=false``) on a free loopback port, and runs
``schemathesis run <schema> --checks all`` for each role with that role's token. The
checks' tuning lives in ``schemathesis.toml`` at the project root.

Exits non-zero when any role's run finds a server error, a schema violation or an
undocumented status code (schemathesis' own exit status), or when the set-up fails.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ROLES = {
    # role -> (username, createuser arguments)
    "admin": ("fuzz_admin", ["--role", "admin", "--team", "Executive Escalations"]),
    "team_lead": ("fuzz_lead", ["--role", "team_lead", "--team", "Fuzz Team"]),
    "agent": ("fuzz_agent", ["--role", "agent", "--team", "Executive Escalations"]),
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"manage.py {' '.join(args[:2])} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}{result.stderr[-5000:]}"
        )
    return result.stdout


class Database:
    """A fresh database for one fuzz run; PostgreSQL when DATABASE_URL says so."""

    def __init__(self, tmp: Path):
        self.base_url = os.environ.get("DATABASE_URL", "")
        self.pg = self.base_url.startswith(("postgres://", "postgresql://"))
        if self.pg:
            parts = urllib.parse.urlsplit(self.base_url)
            self.name = f"escdesk_fuzz_{os.getpid()}_{secrets.token_hex(3)}"
            self.admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
            self.url = urllib.parse.urlunsplit(parts._replace(path=f"/{self.name}"))
        else:
            self.url = f"sqlite:///{tmp / 'fuzz.sqlite3'}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def create(self) -> None:
        if self.pg:
            self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.pg:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _wait_for(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", 10)))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", 20260701)))
    parser.add_argument("--role", action="append", choices=list(ROLES), help="default: all")
    parser.add_argument("--workers", default=os.environ.get("FUZZ_WORKERS", "2"))
    parser.add_argument(
        "--all-phases", action="store_true", help="the coverage phase for every role too"
    )
    parser.add_argument("--report-dir", help="keep schemathesis' NDJSON/JUnit reports here")
    parser.add_argument("extra", nargs="*", help="more schemathesis arguments (after --)")
    args = parser.parse_args()
    roles = args.role or list(ROLES)
    # A CI timeout or Ctrl-C still stops gunicorn and drops the database (finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    tmp = Path(tempfile.mkdtemp(prefix="escdesk-fuzz-"))
    db = Database(tmp)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)},
        "DATABASE_URL": db.url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "VAR_DIR": str(tmp / "var"),
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "TICKET_WEBHOOK_SECRET": secrets.token_hex(16),
        "INBOUND_EMAIL_SECRET": secrets.token_hex(16),
        # Every request comes from one loopback address and the ignored_auth check sends
        # bad credentials on purpose: at the default 20/min the auth-failure lockout would
        # turn the rest of the run into 429s (still documented, but nothing else tested).
        "API_AUTH_FAILURE_RATE": os.environ.get("API_AUTH_FAILURE_RATE", "2000/min"),
        "WEBHOOK_SIGNATURE_FAILURE_RATE": "2000/min",
        "PYTHONUNBUFFERED": "1",
    }
    server = None
    started = time.monotonic()
    try:
        db.create()
        print(f"fuzz database: {'PostgreSQL ' + db.name if db.pg else 'SQLite ' + db.url}")
        _manage(env, "migrate", "--no-input", "-v", "0")
        _manage(env, "collectstatic", "--no-input", "-v", "0")
        _manage(env, "seed_demo")
        tokens = {}
        for role in roles:
            username, extra = ROLES[role]
            out = _manage(env, "createuser", username, *extra, "--password", secrets.token_hex(12))
            tokens[role] = out.strip().splitlines()[-1].strip()
        port = _free_port()
        log = open(tmp / "gunicorn.log", "w")  # noqa: SIM115 - closed with the server
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "60",
                # Request lines over gunicorn's 4094 bytes get gunicorn's own HTML 400
                # before Django sees them: front-server behaviour outside the app's schema
                # (like a proxy's 414); lift it so long generated query strings reach the app.
                "--limit-request-line",
                "0",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz/", server)
        print(f"set-up {time.monotonic() - started:.1f} s; app at {base}")

        fuzz_env = {
            **os.environ,
            "NO_COLOR": "1",
            "PYTHONPATH": str(ROOT),
        }
        failed = []
        for role in roles:
            role_started = time.monotonic()
            print(f"\n--- schemathesis as {role} ({args.examples} examples per operation)")
            command = [
                sys.executable,
                str(ROOT / "tests" / "api_fuzz" / "schemathesis_cli.py"),
                "--config-file",
                str(ROOT / "schemathesis.toml"),
                "run",
                f"{base}/api/schema/",
                "--checks",
                "all",
                # leniency, not a wrong answer: see schemathesis.toml
                "--exclude-checks",
                "negative_data_rejection",
                # a raw RFC 822 body schemathesis cannot serialize; fuzzed by its own tests
                # (tests/integrations/test_inbound_email_esc_10.py, 3,000 random messages)
                "--exclude-path",
                "/api/v1/webhooks/email/",
                "--header",
                f"Authorization: Token {tokens[role]}",
                "--seed",
                str(args.seed),
                "--max-examples",
                str(args.examples),
                "--workers",
                str(args.workers),
                *args.extra,
            ]
            if role != "admin" and not args.all_phases:
                # The coverage phase (boundary values of every parameter, deterministic,
                # most of a role's time) runs once, as the admin, who reaches every
                # operation; the other roles get the examples, fuzzing and stateful phases.
                command += ["--phases", "examples,fuzzing,stateful"]
            if args.report_dir:
                report_dir = Path(args.report_dir) / role
                command += ["--report", "junit,ndjson", "--report-dir", str(report_dir)]
            code = subprocess.run(
                command,
                cwd=ROOT,
                env=fuzz_env,
            ).returncode
            print(f"--- {role}: exit {code} in {time.monotonic() - role_started:.0f} s")
            if code != 0:
                failed.append(role)
        print(f"\nfuzz total {time.monotonic() - started:.0f} s; failed roles: {failed or 'none'}")
        if server.poll() is not None or "Traceback" in (tmp / "gunicorn.log").read_text():
            print("gunicorn log:\n" + (tmp / "gunicorn.log").read_text()[-5000:])
        return 1 if failed else 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        try:
            db.drop()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
