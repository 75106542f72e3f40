from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_audit_refuse_truncate"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="email_queued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_queue_count",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("email_status", "pending")),
                fields=["email_queued_at"],
                name="core_notif_email_pending",
            ),
        ),
    ]
