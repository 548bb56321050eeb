"""Forms of the annual training meeting: they collect input; ``evaluations.training`` decides."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DateTimeInput, UserInputMixin
from core.validators import validate_multiline_text, validate_single_line

from .models import TrainingMeeting

LOCKED_FIELDS = ("starts_at", "ends_at")


class MeetingForm(UserInputMixin, forms.Form):
    """Scheduling and rescheduling: the dates are Mexico City times."""

    title = forms.CharField(
        label=_("Título"), max_length=200, validators=[validate_single_line], initial=_("Reunión anual de capacitación")
    )
    starts_at = forms.DateTimeField(
        label=_("Fecha y hora de inicio"), widget=DateTimeInput(), help_text=_("Hora de la Ciudad de México.")
    )
    ends_at = forms.DateTimeField(label=_("Termina"), widget=DateTimeInput(), required=False)
    place = forms.CharField(
        label=_("Lugar"),
        max_length=300,
        required=False,
        validators=[validate_single_line],
        help_text=_("Indique el lugar, el enlace de la reunión en línea, o ambos."),
    )
    link = forms.URLField(
        label=_("Enlace de la reunión en línea"), max_length=500, required=False, assume_scheme="https"
    )
    agenda = forms.CharField(
        label=_("Orden del día"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[validate_multiline_text],
    )

    @classmethod
    def initial_from(cls, meeting: TrainingMeeting) -> dict:
        return {name: getattr(meeting, name) for name in ("title", "starts_at", "ends_at", "place", "link", "agenda")}

    locked_meeting: TrainingMeeting | None = None

    def lock_dates(self, meeting: TrainingMeeting) -> None:
        """The date may no longer change (``training.date_lock_reason``): the date fields show
        the meeting's and ignore what is posted."""
        self.locked_meeting = meeting
        for name in LOCKED_FIELDS:
            self.initial[name] = getattr(meeting, name)
            self.fields[name].disabled = True
            self.fields[name].help_text = _("La fecha ya no se puede cambiar.")

    def clean(self):
        cleaned = super().clean()
        if self.locked_meeting is not None:
            # Exactly the meeting's dates (a disabled field drops the seconds it does not show).
            for name in LOCKED_FIELDS:
                cleaned[name] = getattr(self.locked_meeting, name)
        return cleaned


class CancelForm(UserInputMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motivo (se incluye en el aviso a las personas invitadas)"),
        max_length=500,
        required=False,
        validators=[validate_single_line],
    )


class AttendanceCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Código de la reunión"),
        max_length=20,
        validators=[validate_single_line],
        help_text=_("Seis letras y números que Comunicación Social muestra en la pantalla de la reunión."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "attendance-code",
                "style": "font-size:1.6rem;letter-spacing:.2em;text-transform:uppercase;"
                "font-family:ui-monospace,monospace;width:100%;max-width:14em",
            }
        ),
    )


class IdListField(forms.Field):
    """A list of person ids posted by the attendance checkboxes; anything else is refused."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        ids = []
        for item in value or []:
            if not isinstance(item, str) or not re.fullmatch(r"[0-9]{1,18}", item):
                raise ValidationError(_("La lista de personas no es válida; recargue la página."), code="invalid")
            ids.append(int(item))
        return ids


class AttendanceForm(forms.Form):
    """The checkboxes on the meeting page. ``presentes`` are the ticked people; ``registrados``
    those shown ticked when the page was drawn, so unticking one un-marks them while a person
    who registered with the code after the page was drawn is left alone."""

    presentes = IdListField(required=False)
    registrados = IdListField(required=False)

    def changes(self) -> tuple[set[int], set[int]]:
        present = set(self.cleaned_data["presentes"])
        return present, set(self.cleaned_data["registrados"]) - present
