"""Workforce's tasks (beat entries registered in WorkforceConfig.ready)."""

from celery import shared_task


@shared_task(name="workforce.csat_email_send")
def csat_email_send(row_id: int) -> bool:
    from .services.csat import csat_email_send_one

    return csat_email_send_one(row_id)


@shared_task(name="workforce.csat_emails_send")
def csat_emails_send() -> int:
    from .services.csat import csat_emails_send as send

    return send()


@shared_task(name="workforce.weekly_reports_send")
def weekly_reports_send() -> int:
    from .reports import weekly_reports_send as send

    return send()
