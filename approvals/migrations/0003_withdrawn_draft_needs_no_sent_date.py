# Withdrawing a draft (offered since the start) broke request_submitted_has_date: a draft
# never sent has no submitted_at. A withdrawn request may now lack it too.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0002_open_closing_constraint_uses_open_statuses"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="accountrequest",
            name="request_submitted_has_date",
        ),
        migrations.AddConstraint(
            model_name="accountrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["draft", "withdrawn"]), ("submitted_at__isnull", False), _connector="OR"
                ),
                name="request_submitted_has_date",
            ),
        ),
    ]
