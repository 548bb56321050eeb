"""The lists the checker starts with (contentrules/defaults.py) and the electoral process
under way; CNCS edits them afterwards. Each seeded row gets its creation in the history."""

from django.db import migrations
from django.utils import timezone

from contentrules import defaults

LISTS = {
    "reserved": defaults.RESERVED,
    "discourteous": defaults.DISCOURTEOUS,
    "partisan": defaults.PARTISAN,
    "chatter": defaults.CHATTER,
    "opinion": defaults.OPINION,
    "allowed_domain": defaults.ALLOWED_DOMAINS,
    "vocabulary": defaults.VOCABULARY,
}


def seed(apps, schema_editor):
    Term = apps.get_model("contentrules", "Term")
    HistoricalTerm = apps.get_model("contentrules", "HistoricalTerm")
    ElectoralProcess = apps.get_model("contentrules", "ElectoralProcess")
    HistoricalElectoralProcess = apps.get_model("contentrules", "HistoricalElectoralProcess")
    now = timezone.now()
    for kind, words in LISTS.items():
        for text in dict.fromkeys(words):
            term, created = Term.objects.get_or_create(kind=kind, text=text)
            if created:
                HistoricalTerm.objects.create(
                    id=term.pk, kind=kind, text=text, is_active=True, history_date=now, history_type="+"
                )
    for name, starts_on, ends_on in defaults.ELECTORAL_PROCESSES:
        process, created = ElectoralProcess.objects.get_or_create(
            name=name, defaults={"starts_on": starts_on, "ends_on": ends_on}
        )
        if created:
            HistoricalElectoralProcess.objects.create(
                id=process.pk, name=name, starts_on=starts_on, ends_on=ends_on, history_date=now, history_type="+"
            )


class Migration(migrations.Migration):
    dependencies = [("contentrules", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
