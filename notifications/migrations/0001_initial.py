"""The Notification model moves here from accounts with its data: the state is created
over the existing table ``accounts_notification``, which is then renamed. Nothing is
dropped or copied."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    # Permissions and admin log entries keep pointing at the same content type.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="accounts", model="notification").update(app_label="notifications")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="notifications", model="notification").update(app_label="accounts")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("accounts", "0004_organ_history"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=60, verbose_name='tipo')),
                ('title', models.CharField(max_length=200, verbose_name='asunto')),
                ('body', models.TextField(verbose_name='mensaje')),
                ('url', models.CharField(blank=True, max_length=500, verbose_name='enlace')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='creada')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='leída')),
                ('email_status', models.CharField(choices=[('pending', 'Pendiente'), ('sending', 'Enviando'), ('sent', 'Enviado'), ('failed', 'Fallido')], default='pending', max_length=10, verbose_name='estado del correo')),
                ('email_attempts', models.PositiveSmallIntegerField(default=0, verbose_name='intentos de envío')),
                ('email_next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='próximo intento')),
                ('email_claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='reclamado para envío')),
                ('email_sent_at', models.DateTimeField(blank=True, null=True, verbose_name='correo enviado')),
                ('email_last_error', models.TextField(blank=True, verbose_name='último error')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='destinatario')),
            ],
            options={
                'verbose_name': 'notificación',
                'verbose_name_plural': 'notificaciones',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(condition=models.Q(('email_status__in', ['pending', 'sending'])), fields=['email_next_attempt_at'], name='notification_email_due'), models.Index(fields=['recipient', 'read_at'], name='notification_inbox')],
                'db_table': 'accounts_notification',
            },
        ),
            ],
        ),
        migrations.AlterModelTable(name="notification", table=None),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
