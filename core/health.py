"""Reachability checks for /healthz/: database, broker, worker and beat heartbeat."""

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Heartbeat


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # reported, not raised: this is a health probe
        return {"ok": False, "error": str(exc)[:200], "vendor": connection.vendor}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:
    from config.celery import app

    transport = app.conf.broker_url.split("://", 1)[0]
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:
        return {"ok": False, "transport": transport, "error": str(exc)[:200]}
    return {"ok": True, "transport": transport}


def check_heartbeat() -> dict:
    try:
        beat = Heartbeat.objects.filter(name="celery").first()
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200]}
    if beat is None:
        return {"ok": False, "last_run_at": None, "error": "no heartbeat recorded yet"}
    age = (timezone.now() - beat.last_run_at).total_seconds()
    return {
        "ok": age <= settings.HEARTBEAT_STALE_SECONDS,
        "last_run_at": beat.last_run_at.isoformat(),
        "age_seconds": round(age, 1),
        "runs": beat.runs,
        "hostname": beat.hostname,
    }


def health_report() -> tuple[dict, bool]:
    """The report and whether the service can serve (database and broker reachable)."""
    report = {
        "database": check_database(),
        "broker": check_broker(),
    }
    report["heartbeat"] = check_heartbeat() if report["database"]["ok"] else {"ok": False}
    serving = report["database"]["ok"] and report["broker"]["ok"]
    report["status"] = (
        "ok" if serving and report["heartbeat"]["ok"] else ("degraded" if serving else "down")
    )
    return report, serving
