"""Benchmark: our case API against django-helpdesk 2.6.1 (the peer) on the same rows (issue 16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_peer.py
    ... --no-peer          # ours only (no virtualenv, no peer database)
    ... --seconds 10 --rounds 2 --only list,detail

Ours: the 100,000 cases (with their clocks and searchable text) of ``bench_search.py``
in its database ``escdesk_bench_search`` (built on first use, reused afterwards).

The peer: a virtualenv ``var/bench-peer-venv`` with ``django-helpdesk==2.6.1``, gunicorn
and psycopg installed by pip from the machine's configured index, a minimal project in
``var/bench-peer/`` (helpdesk's own URLs, DRF token authentication like ours) and its own
database ``escdesk_bench_peer``, loaded by COPY with the same 100,000 rows: one ticket per
case (title, created, status and priority mapped, the client's email as submitter, the
searchable text in the description). Reused on the next run unless ``--fresh-peer``.

The patch (the issue's "one hot loop of its list removed"): helpdesk's
``TicketViewSet.get_queryset`` ends with ``for ticket in tickets:
ticket.set_custom_field_values()``, which loads every accessible ticket (100,000) and
queries the custom fields once per ticket on every list and detail request (minutes per
request). The script removes those two lines in the peer's virtualenv
(``helpdesk/views/api.py``); ``get_object`` still sets the custom fields of the one ticket
a detail shows. Nothing else is changed.

Both servers run gunicorn with 2 sync workers, ``DEBUG`` off, connections kept 60 s.
Each load is ``wrk -t2 -c8`` for ``--seconds`` (default 20), ours then the peer's, repeated
``--rounds`` times (A B A B A B), on:

* list: ours ``/api/v1/cases/?status=in_progress&kind=unresponsive_freelancer``, the
  peer's ``/api/tickets/?status=1`` (Open), 50 rows a page;
* list rotating over the first 1,000 rows: pages 1-20 of 50 in turn (ours also by cursor);
* list by depth: the unfiltered list at rows 1, 951, 9,951 and 49,951 (ours by page number
  and by cursor), one run each;
* detail: one case with 2 clocks, 2 tags and 10 notes; one ticket with 10 follow-ups;
* search: our ``/api/v1/search/?q=`` cycling bench_search's 6 queries; the peer's staff
  ticket search (``datatables_ticket_list``, its only JSON search, session cookie) with the
  same 6 strings.

Queries per request are counted in-process for both. Prints a table per endpoint with
req/s, p50, p95 and ours/peer ratios (medians over the rounds). Refuses SQLite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_case_list as base  # noqa: E402  (gunicorn, wrk and data helpers)
import bench_search as search  # noqa: E402  (the searchable 100,000 cases)

ROOT = base.ROOT
PEER_VENV = ROOT / "var" / "bench-peer-venv"
PEER_DIR = ROOT / "var" / "bench-peer"
PEER_DB = os.environ.get("BENCH_PEER_DB", "escdesk_bench_peer")
PEER_PACKAGES = ["django-helpdesk==2.6.1", "gunicorn", "psycopg[binary]"]
PAGE = 50
FILTER_OURS = "status=in_progress&kind=unresponsive_freelancer"
FILTER_PEER = "status=1"
DEPTH_ROWS = (1, 951, 9_951, 49_951)
HOT_LOOP = "        for ticket in tickets:\n            ticket.set_custom_field_values()\n"
HOT_LOOP_NOTE = (
    "        # bench_peer.py: per-ticket custom-field loop removed (loaded every ticket)\n"
)

PEER_SETTINGS = """
import os
SECRET_KEY = "bench-peer-" + "k" * 50
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize",
    "rest_framework", "rest_framework.authtoken", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peer_urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": os.environ["PEER_DB_NAME"],
    "HOST": os.environ.get("PEER_DB_HOST", "127.0.0.1"),
    "PORT": os.environ.get("PEER_DB_PORT", "5432"),
    "USER": os.environ.get("PEER_DB_USER", "postgres"),
    "PASSWORD": os.environ.get("PEER_DB_PASSWORD", ""),
    "CONN_MAX_AGE": 60,
}}
SITE_ID = 1
HELPDESK_TEAMS_MODE_ENABLED = False  # else it needs pinax-teams
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [
    "rest_framework.authentication.TokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]}
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"level": "WARNING", "handlers": []}}
"""
PEER_URLS = """
from django.contrib import admin
from django.urls import include, path
urlpatterns = [path("admin/", admin.site.urls), path("", include("helpdesk.urls"))]
"""
PEER_MANAGE = """
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")
from django.core.management import execute_from_command_line
execute_from_command_line(sys.argv)
"""


# The peer ---------------------------------------------------------------------------------
def _peer_python() -> Path:
    return PEER_VENV / "bin" / "python"


def ensure_peer_venv() -> None:
    """The peer's own virtualenv (pip, the machine's configured index)."""
    if not _peer_python().exists():
        print(f"peer: creating {PEER_VENV.relative_to(ROOT)}")
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    have = subprocess.run(
        [str(_peer_python()), "-c", "import helpdesk, gunicorn, psycopg"],
        capture_output=True,
        check=False,
    )
    if have.returncode:
        print(f"peer: pip install {' '.join(PEER_PACKAGES)}")
        subprocess.run(
            [str(_peer_python()), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True
        )
    version = subprocess.run(
        [
            str(_peer_python()),
            "-c",
            "import importlib.metadata as m; print(m.version('django-helpdesk'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if version != "2.6.1":
        sys.exit(f"peer: django-helpdesk {version} installed, the benchmark wants 2.6.1")


def patch_peer() -> str:
    """Remove the list's hot loop (see the module docstring); idempotent."""
    api = next(PEER_VENV.glob("lib/python*/site-packages/helpdesk/views/api.py"))
    text = api.read_text()
    if HOT_LOOP_NOTE in text:
        return "already patched"
    marker = "                tickets = tickets.filter(status__in=number_statuses)\n\n"
    if text.count(HOT_LOOP) != 2 or marker + HOT_LOOP not in text:
        sys.exit(f"peer: {api} is not the django-helpdesk 2.6.1 this patch was written for")
    api.write_text(text.replace(marker + HOT_LOOP, marker + HOT_LOOP_NOTE, 1))
    return "patched TicketViewSet.get_queryset"


def write_peer_project() -> None:
    PEER_DIR.mkdir(parents=True, exist_ok=True)
    for name, body in (
        ("peer_settings.py", PEER_SETTINGS),
        ("peer_urls.py", PEER_URLS),
        ("manage.py", PEER_MANAGE),
    ):
        (PEER_DIR / name).write_text(textwrap.dedent(body).lstrip())


def _peer_env(peer_url: str) -> dict:
    parts = urlparse(peer_url)
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "peer_settings",
        "PYTHONPATH": str(PEER_DIR),
        "PEER_DB_NAME": parts.path.lstrip("/"),
        "PEER_DB_HOST": parts.hostname or "127.0.0.1",
        "PEER_DB_PORT": str(parts.port or 5432),
        "PEER_DB_USER": parts.username or "postgres",
        "PEER_DB_PASSWORD": parts.password or "",
    }


def peer_run(code: str, peer_url: str) -> str:
    """Run ``code`` in the peer's virtualenv with its Django set up; its stdout."""
    prelude = "import django\ndjango.setup()\n"
    result = subprocess.run(
        [str(_peer_python()), "-c", prelude + textwrap.dedent(code)],
        cwd=PEER_DIR,
        env=_peer_env(peer_url),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"peer: snippet failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    return result.stdout


STATUS_TO_PEER = {"resolved": 3, "closed": 4}  # everything else is Open (1)
PRIORITY_TO_PEER = {"urgent": 1, "high": 2, "normal": 3, "low": 4}


def load_peer(our_url: str, peer_url: str, fresh: bool) -> dict:
    """Migrate the peer's database, copy our cases into it as tickets (once), and make a
    staff user with a token and a session; returns what the load needs."""
    import psycopg

    admin_url = urlunparse(urlparse(peer_url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{PEER_DB}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PEER_DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{PEER_DB}"')
    subprocess.run(
        [str(_peer_python()), "manage.py", "migrate", "--no-input", "-v0"],
        cwd=PEER_DIR,
        env=_peer_env(peer_url),
        check=True,
    )
    with psycopg.connect(peer_url) as peer, psycopg.connect(our_url) as ours:
        have = peer.execute("SELECT count(*) FROM helpdesk_ticket").fetchone()[0]
        if have < base.CASES:
            started = time.perf_counter()
            peer.execute("TRUNCATE helpdesk_ticket CASCADE")
            queue = int(
                peer_run(
                    """
                    from helpdesk.models import Queue
                    queue, _ = Queue.objects.get_or_create(
                        slug="support",
                        defaults={"title": "Support", "email_address": "support@example.com"})
                    print(queue.pk)
                    """,
                    peer_url,
                ).split()[-1]
            )
            rows = ours.execute(
                "SELECT id, title, created_at, updated_at, status, priority, client_email, "
                "concat_ws(' ', client_name, client_company, freelancer_name, "
                "external_ticket_id, contract_ids::text, issue_summary) "
                "FROM escalations_case ORDER BY id"
            )
            columns = (
                "id, title, queue_id, created, modified, submitter_email, status, on_hold, "
                "description, resolution, priority, secret_key"
            )
            with peer.cursor().copy(f"COPY helpdesk_ticket ({columns}) FROM STDIN") as copy:
                for cid, title, created, updated, status, priority, email, text in rows:
                    copy.write_row(
                        (
                            cid,
                            title,
                            queue,
                            created,
                            updated,
                            email,
                            STATUS_TO_PEER.get(status, 1),
                            False,
                            text,
                            "",
                            PRIORITY_TO_PEER.get(priority, 3),
                            f"{cid:036x}",
                        )
                    )
            peer.execute(
                "SELECT setval(pg_get_serial_sequence('helpdesk_ticket', 'id'), "
                "(SELECT max(id) FROM helpdesk_ticket))"
            )
            peer.commit()
            peer.autocommit = True
            peer.execute("VACUUM ANALYZE helpdesk_ticket")
            copied = peer.execute("SELECT count(*) FROM helpdesk_ticket").fetchone()[0]
            print(f"peer: {copied:,} tickets copied in {time.perf_counter() - started:.0f} s")
        else:
            print(f"peer: reusing {have:,} tickets (pass --fresh-peer to reload)")
    out = peer_run(
        """
        import json
        from django.contrib.auth import get_user_model
        from django.contrib.sessions.backends.db import SessionStore
        from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
        from rest_framework.authtoken.models import Token
        from helpdesk.models import FollowUp, Ticket
        User = get_user_model()
        user, _ = User.objects.get_or_create(
            username="bench_staff", defaults={"is_staff": True, "is_superuser": True})
        token, _ = Token.objects.get_or_create(user=user)
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.save()
        ticket = Ticket.objects.filter(status=1).order_by("-id").first()
        if ticket.followup_set.count() < 10:
            for i in range(10):
                FollowUp.objects.create(ticket=ticket, title=f"Reply {i}",
                                        comment=f"Follow-up {i}", user=user, public=True)
        print(json.dumps({"token": token.key, "session": s.session_key,
                          "ticket": ticket.pk}))
        """,
        peer_url,
    )
    return json.loads(out.strip().splitlines()[-1])


def peer_queries(peer_url: str, paths: dict[str, str], token: str, session: str) -> dict:
    out = peer_run(
        f"""
        import json
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        paths = {json.dumps(paths)}
        client = Client(HTTP_AUTHORIZATION="Token {token}")
        client.cookies["sessionid"] = "{session}"
        counts = {{}}
        for name, path in paths.items():
            client.get(path)
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(path)
            assert r.status_code == 200, (path, r.status_code, r.content[:300])
            counts[name] = len(ctx.captured_queries)
        print(json.dumps(counts))
        """,
        peer_url,
    )
    return json.loads(out.strip().splitlines()[-1])


def peer_search_paths(peer_url: str, queries: list[str]) -> list[str]:
    """The peer's staff search (datatables JSON) for each query string."""
    out = peer_run(
        f"""
        import json
        from helpdesk.query import query_to_base64
        paths = []
        for q in {json.dumps(queries)}:
            params = {{"filtering": {{}}, "filtering_null": {{}}, "sorting": "created",
                      "sortreverse": True, "search_string": q}}
            paths.append("/datatables_ticket_list/" + query_to_base64(params)
                         + "?draw=1&start=0&length={PAGE}")
        print(json.dumps(paths))
        """,
        peer_url,
    )
    return json.loads(out.strip().splitlines()[-1])


def start_peer(peer_url: str, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            str(PEER_VENV / "bin" / "gunicorn"),
            "peer_wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=PEER_DIR,
        env=_peer_env(peer_url),
        start_new_session=True,
    )
    _wait_up(proc, port, "/api/")
    return proc


def _wait_up(proc, port: int, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers (401 without a token)
        except OSError:
            if proc.poll() is not None:
                sys.exit("a server exited during start-up")
            time.sleep(0.3)
    base._stop(proc)
    sys.exit("a server did not answer within 60 s")


# Ours -------------------------------------------------------------------------------------
def our_detail_case(lead):
    """A case the lead sees, with two clocks, two tags and ten notes (made once)."""
    from escalations import services
    from escalations.access import cases_visible_to
    from escalations.models import Case

    marked = Case.objects.filter(tags__name="bench-detail").first()
    if marked is not None:
        return marked
    case = (
        cases_visible_to(lead, Case.objects.all())
        .filter(status="in_progress", kind="unresponsive_freelancer", team__isnull=False)
        .order_by("-id")
        .first()
    )
    case = services.case_update(case=case, actor=lead, tags=["bench-detail", "vip"])
    for i in range(10):
        services.note_add(case=case, author=lead, body=f"Note {i}", visibility="internal")
    return case


def our_queries(paths: dict[str, str], token: str) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    counts = {}
    for name, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200, (path, response.content[:300])
        counts[name] = len(ctx.captured_queries)
    return counts


def our_cursors(port: int, token: str, query: str, rows: list[int]) -> dict[int, str]:
    """The cursor whose page starts at each 1-based row, from the running server (cursors
    are signed with its SECRET_KEY), walked once 500 rows a step."""
    found, cursor, seen = {}, "", 0
    for row in sorted(rows):
        while seen < row - 1:
            size = min(500, row - 1 - seen)
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/cases/?{query}&page_size={size}&cursor={cursor}",
                headers={"Authorization": f"Token {token}"},
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                cursor = json.load(response)["next_cursor"]
            seen += size
        found[row] = cursor
    return found


# Load -------------------------------------------------------------------------------------
WRK_DONE = base.WRK_SCRIPT


def wrk(port: int, paths: list[str], headers: list[str], seconds: int) -> dict:
    script = (
        "paths = {" + ", ".join(json.dumps(p) for p in paths) + "}\n"
        "i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        "  return wrk.format(nil, paths[i])\n"
        "end\n" + WRK_DONE
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    try:
        args = ["wrk", "-t2", f"-c{base.CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s"]
        args += ["-s", fh.name]
        for header in headers:
            args += ["-H", header]
        out = subprocess.run(
            [*args, f"http://127.0.0.1:{port}{paths[0]}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(fh.name)
    _drain(port)
    fields = dict(
        part.split("=")
        for line in out.splitlines()
        if line.startswith("BENCH")
        for part in line.split()[1:]
    )
    rps = next(float(line.split()[1]) for line in out.splitlines() if "Requests/sec" in line)
    non2xx = next((line for line in out.splitlines() if "Non-2xx" in line), "")
    return {
        "rps": rps,
        "p50": int(fields["p50_us"]) / 1000,
        "p95": int(fields["p95_us"]) / 1000,
        "errors": int(fields["errors"]),
        "non2xx": non2xx.strip(),
    }


def _drain(port: int) -> None:
    """Wait until the server has answered what wrk left queued when it stopped (the peer's
    search takes seconds a request: its backlog ran into the next round, ours), by one
    cheap request that queues behind the backlog."""
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/bench-drain/", timeout=300)
    except urllib.error.HTTPError:
        pass  # a 404 (JSON under /api/ for ours) is the answer we waited for
    except OSError:
        pass


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _fmt(runs: list[dict]) -> str:
    if not runs:
        return f"{'-':>10} {'-':>9} {'-':>9}"
    return (
        f"{_median(runs, 'rps'):8.1f}/s {_median(runs, 'p50'):7.1f}ms {_median(runs, 'p95'):7.1f}ms"
    )


def _check(label: str, result: dict) -> dict:
    if result["errors"] or result["non2xx"]:
        print(f"    warning ({label}): {result['errors']} errors {result['non2xx']}")
    return result


def main() -> int:  # noqa: C901, PLR0912, PLR0915 - one linear script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-peer", action="store_true", help="measure ours only")
    parser.add_argument("--fresh-peer", action="store_true", help="reload the peer's rows")
    parser.add_argument("--seconds", type=int, default=20, help="per wrk run (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="A B rounds (default 3)")
    parser.add_argument(
        "--only",
        default="list,rotating,depth,detail,search",
        help="comma-separated: list, rotating, depth, detail, search",
    )
    args = parser.parse_args()
    only = set(args.only.split(","))

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench_peer.py runs on PostgreSQL only: set DATABASE_URL to a server's database.")
        return 2
    if not shutil_which("wrk"):
        print("bench_peer.py needs wrk (apt-get install wrk).")
        return 2
    base.BENCH_DB = search.base.BENCH_DB
    admin_url, our_url = base._urls(url)
    base._ensure_database(admin_url, False)
    env = {**os.environ, "DATABASE_URL": our_url, "LOG_LEVEL": "WARNING"}
    base._manage("migrate", "--no-input", "-v0", "--skip-checks", env=env)
    token = (
        base._manage(
            "createuser",
            "bench_lead",
            "--role",
            "team_lead",
            "--team",
            "Bench team 0",
            "--skip-checks",
            env=env,
        )
        .strip()
        .splitlines()[-1]
    )
    os.environ.update(
        DATABASE_URL=our_url,
        ALLOWED_HOSTS="127.0.0.1,testserver",
        CELERY_BROKER_URL="memory://",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    import django

    django.setup()
    base._populate()
    search._enrich()

    from core.models import User

    lead = User.objects.get(username="bench_lead")
    case = our_detail_case(lead)
    mix = list(search._query_mix(lead).values())
    ours_paths = {
        "list": [f"/api/v1/cases/?{FILTER_OURS}&page_size={PAGE}"],
        "rotating": [
            f"/api/v1/cases/?{FILTER_OURS}&page_size={PAGE}&page={n}" for n in range(1, 21)
        ],
        "detail": [f"/api/v1/cases/{case.reference}/"],
        "search": [f"/api/v1/search/?{urlencode({'q': q})}" for q in mix],
    }
    ours_headers = [f"Authorization: Token {token}"]

    peer = None
    if not args.no_peer:
        ensure_peer_venv()
        print(f"peer: {patch_peer()}")
        write_peer_project()
        (PEER_DIR / "peer_wsgi.py").write_text(
            "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'peer_settings')\n"
            "from django.core.wsgi import get_wsgi_application\n"
            "application = get_wsgi_application()\n"
        )
        peer_url = urlunparse(urlparse(url)._replace(path=f"/{PEER_DB}"))
        peer = load_peer(our_url, peer_url, args.fresh_peer)
        peer_paths = {
            "list": [f"/api/tickets/?{FILTER_PEER}&page_size={PAGE}"],
            "rotating": [
                f"/api/tickets/?{FILTER_PEER}&page_size={PAGE}&page={n}" for n in range(1, 21)
            ],
            "detail": [f"/api/tickets/{peer['ticket']}/"],
            "search": peer_search_paths(peer_url, mix),
        }
        peer_headers = [f"Authorization: Token {peer['token']}"]
        peer_search_headers = [f"Cookie: sessionid={peer['session']}"]

    first = {name: paths[0] for name, paths in ours_paths.items()}
    first["deep page"] = f"/api/v1/cases/?page_size={PAGE}&page=200"
    q_ours = our_queries(first, token)
    q_peer = {}
    if peer:
        pfirst = {name: paths[0] for name, paths in peer_paths.items()}
        pfirst["deep page"] = f"/api/tickets/?page_size={PAGE}&page=200"
        q_peer = peer_queries(peer_url, pfirst, peer["token"], peer["session"])
    print("SQL queries per request (ours / peer):")
    for name, n in q_ours.items():
        print(f"  {name:<18} {n:>3} / {q_peer.get(name, '-')}")

    ours_port = base._free_port()
    ours_server = base._start_gunicorn(our_url, ours_port)
    peer_server = peer_port = None
    results: dict[str, dict[str, list]] = {}
    try:
        rotating = our_cursors(ours_port, token, FILTER_OURS, [1 + PAGE * n for n in range(20)])
        ours_paths["rotating (cursor)"] = [
            f"/api/v1/cases/?{FILTER_OURS}&page_size={PAGE}&cursor={c}"
            for _, c in sorted(rotating.items())
        ]
        depth_cursors = our_cursors(ours_port, token, "", list(DEPTH_ROWS))
        if peer:
            peer_port = base._free_port()
            peer_server = start_peer(peer_url, peer_port)
        for name in ("list", "rotating", "detail", "search"):
            if name not in only:
                continue
            print(f"\n{name}: {args.rounds} rounds of {args.seconds} s, ours then the peer")
            runs = results.setdefault(name, {"ours": [], "cursor": [], "peer": []})
            for r in range(args.rounds):
                res = _check("ours", wrk(ours_port, ours_paths[name], ours_headers, args.seconds))
                runs["ours"].append(res)
                print(f"  round {r + 1} ours         {_fmt([res])}")
                if name == "rotating":
                    res = _check(
                        "cursor",
                        wrk(ours_port, ours_paths["rotating (cursor)"], ours_headers, args.seconds),
                    )
                    runs["cursor"].append(res)
                    print(f"  round {r + 1} ours cursor  {_fmt([res])}")
                if peer:
                    headers = peer_search_headers if name == "search" else peer_headers
                    res = _check("peer", wrk(peer_port, peer_paths[name], headers, args.seconds))
                    runs["peer"].append(res)
                    print(f"  round {r + 1} peer         {_fmt([res])}")
        if "depth" in only:
            seconds = max(5, args.seconds // 2)
            print(f"\nlist by depth (unfiltered, {PAGE} rows), one run of {seconds} s each")
            for row in DEPTH_ROWS:
                page = (row - 1) // PAGE + 1
                runs = results.setdefault(f"depth {row}", {"ours": [], "cursor": [], "peer": []})
                path = f"/api/v1/cases/?page_size={PAGE}&page={page}"
                runs["ours"].append(_check("ours", wrk(ours_port, [path], ours_headers, seconds)))
                cursor = f"/api/v1/cases/?page_size={PAGE}&cursor={depth_cursors[row]}"
                runs["cursor"].append(
                    _check("cursor", wrk(ours_port, [cursor], ours_headers, seconds))
                )
                if peer:
                    ppath = f"/api/tickets/?page_size={PAGE}&page={page}"
                    runs["peer"].append(
                        _check("peer", wrk(peer_port, [ppath], peer_headers, seconds))
                    )
                print(
                    f"  from row {row:>6,}: ours {_fmt(runs['ours'])}   cursor "
                    f"{_fmt(runs['cursor'])}   peer {_fmt(runs['peer'])}"
                )
    finally:
        base._stop(ours_server)
        if peer_server is not None:
            base._stop(peer_server)

    print(
        f"\nRESULT ours vs django-helpdesk 2.6.1 (hot loop removed), {base.CASES:,} rows, "
        f"gunicorn 2 sync workers each, wrk -t2 -c{base.CONNECTIONS} -d{args.seconds}s, "
        f"medians of {args.rounds} rounds"
    )
    print(
        f"| endpoint | ours req/s | ours p50 | ours p95 | peer req/s | peer p50 | "
        f"peer p95 | ours/peer req/s |\n|{' --- |' * 8}"
    )
    for name, runs in results.items():
        for label, key in (("", "ours"), (" (cursor)", "cursor")):
            mine = runs[key]
            if not mine:
                continue
            theirs = runs["peer"]
            ratio = (
                f"{_median(mine, 'rps') / _median(theirs, 'rps'):.1f}x"
                if theirs and _median(theirs, "rps")
                else "-"
            )
            peer_cells = (
                f"{_median(theirs, 'rps'):.1f} | {_median(theirs, 'p50'):.1f} ms | "
                f"{_median(theirs, 'p95'):.1f} ms"
                if theirs
                else "- | - | -"
            )
            print(
                f"| {name}{label} | {_median(mine, 'rps'):.1f} | {_median(mine, 'p50'):.1f} ms | "
                f"{_median(mine, 'p95'):.1f} ms | {peer_cells} | {ratio} |"
            )
    return 0


def shutil_which(name: str) -> str | None:
    import shutil

    return shutil.which(name)


if __name__ == "__main__":
    sys.exit(main())
