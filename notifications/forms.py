from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import kinds
from .models import NotificationPreference


class InboxFilterForm(forms.Form):
    """The inbox's filters, read from the query string. Only kinds the person has received
    are offered; anything else is refused with a message, never an error page."""

    tipo = forms.ChoiceField(
        label=_("Tipo"),
        required=False,
        error_messages={"invalid_choice": _("El tipo de notificación elegido no existe en su bandeja.")},
    )
    filtro = forms.ChoiceField(
        label=_("Mostrar"),
        required=False,
        choices=[("", _("Todas")), ("no-leidas", _("Solo no leídas"))],
        error_messages={"invalid_choice": _("Ese filtro no existe.")},
    )

    def __init__(self, *args, received_kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labelled = sorted(((code, str(kinds.label_for(code))) for code in received_kinds), key=lambda c: c[1])
        self.fields["tipo"].choices = [("", _("Todos los tipos")), *labelled]


class PreferencesForm(forms.Form):
    """One choice per registered kind, grouped by the section its app gave it. A mandatory
    kind is shown disabled: a disabled field ignores whatever is posted for it."""

    MANDATORY_HELP = _("Este aviso siempre se envía de inmediato: requiere atención sin demora.")

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.sections: dict[str, list] = {}
        for kind in kinds.registered_kinds():
            field = forms.ChoiceField(
                label=kind.label,
                choices=NotificationPreference.Delivery.choices,
                widget=forms.RadioSelect,
                initial=NotificationPreference.Delivery.IMMEDIATE if kind.mandatory else current[kind.code],
                disabled=kind.mandatory,
                help_text=self.MANDATORY_HELP if kind.mandatory else "",
            )
            self.fields[kind.code] = field
        for kind in kinds.registered_kinds():
            self.sections.setdefault(str(kind.section), []).append(self[kind.code])

    def choices(self) -> dict[str, str]:
        return {code: value for code, value in self.cleaned_data.items() if not self.fields[code].disabled}
