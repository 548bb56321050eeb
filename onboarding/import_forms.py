"""Forms of the import pages: they collect the file and the filter; ``onboarding.services``
reads the file and decides (size, row count, format, every row's problems)."""

from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.forms import FileInput, StrictFilterMixin

from . import importing
from .models import Import, ImportRow

ACCEPTED_FILES = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    """The kind of inventory and its file. The format, size and rows are checked by the
    service, which answers in Spanish; here only that both were given."""

    kind = forms.ChoiceField(
        label=_("Tipo de inventario"),
        choices=Import.Kind.choices,
        widget=forms.RadioSelect,
        initial=Import.Kind.ACCOUNTS,
    )
    file = forms.FileField(
        label=_("Archivo (CSV o XLSX)"),
        widget=FileInput(attrs={"accept": ACCEPTED_FILES}),
        error_messages={
            "required": _("Elija el archivo del inventario."),
            "empty": _("El archivo está vacío."),
            "invalid": _("No se recibió un archivo; elíjalo de nuevo."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request, in the request's language (never at import time).
        self.fields["file"].help_text = _(
            "Hasta %(size)s y %(rows)s filas, con los encabezados de la plantilla en la primera fila."
        ) % {
            "size": filesizeformat(settings.ONBOARDING_MAX_UPLOAD_BYTES),
            "rows": f"{importing.row_limit():,}",
        }
        self.fields["kind"].error_messages["invalid_choice"] = _("Elija cuentas o personal.")


class RowFilter(StrictFilterMixin, django_filters.FilterSet):
    """The preview's rows by what confirming does with them; an invalid value lists nothing."""

    accion = django_filters.ChoiceFilter(
        label=_("Qué se hará"), field_name="action", choices=ImportRow.Action.choices, empty_label=_("Todas")
    )

    class Meta:
        model = ImportRow
        fields: list[str] = []
