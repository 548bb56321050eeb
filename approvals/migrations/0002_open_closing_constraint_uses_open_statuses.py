# The one-open-closing constraint now takes its statuses from AccountRequest.OPEN_STATUSES
# (which adds mailbox_ready; a closing never reaches it, so no existing row is affected).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="accountrequest",
            name="request_one_open_closing_per_account",
        ),
        migrations.AddConstraint(
            model_name="accountrequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("kind", "closing"),
                    ("status__in", ["draft", "submitted", "returned", "approved", "mailbox_ready"]),
                ),
                fields=("account",),
                name="request_one_open_closing_per_account",
                violation_error_message="Ya hay una solicitud de cierre en trámite para esta cuenta.",
            ),
        ),
    ]
