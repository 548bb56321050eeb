from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from core.forms import KeepsUploadsMixin, MultipleFileInput, UserInputMixin

from .models import Consultation
from .services import check_attachments, user_notice_text


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.gif,.webp,.mp4"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ConsultationForm(KeepsUploadsMixin, UserInputMixin, forms.Form):
    # Attachments that pass their checks are kept when another field sends the form back.
    kept_upload_fields = {"attachments": _("Se conservan los anexos: %(files)s. Puede reemplazarlos.")}

    account = forms.ModelChoiceField(label=_("Cuenta"), queryset=Account.objects.none())
    kind = forms.ChoiceField(label=_("Tipo de consulta"), choices=Consultation.Kind.choices, widget=forms.RadioSelect)
    question = forms.CharField(
        label=_("Pregunta a Comunicación Social"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    subject_text = forms.CharField(
        label=_("Borrador de la publicación o solicitud de la persona usuaria"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_("Cópielo tal como se publicaría o como lo escribió la persona usuaria."),
    )
    source_link = forms.URLField(
        label=_("Enlace al mensaje de la persona usuaria (opcional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    attachments = MultipleFileField(label=_("Anexos (opcional)"), required=False)

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per form, in the language of the request, never once at import time.
        self.fields["attachments"].help_text = _(
            "Hasta %(n)s archivos PDF, imágenes o video MP4 de %(mb)s MB cada uno."
        ) % {"n": settings.CONSULTATION_MAX_ATTACHMENTS, "mb": settings.CONSULTATION_MAX_ATTACHMENT_MB}
        if accounts is not None:
            self.fields["account"].queryset = accounts
        self.fields["account"].label_from_instance = lambda a: f"{a.display_handle or a.name} — {a.network}"

    def clean_attachments(self):
        # Checked by content here, so only files the service would accept are kept for a resubmission.
        uploads = self.cleaned_data.get("attachments") or []
        try:
            check_attachments(uploads)
        except ValidationError as exc:
            messages = exc.message_dict.get("attachments", []) if hasattr(exc, "error_dict") else exc.messages
            raise ValidationError(messages)
        return uploads


class AnswerForm(UserInputMixin, forms.Form):
    answer = forms.ChoiceField(label=_("Respuesta"), widget=forms.RadioSelect)
    answer_text = forms.CharField(
        label=_("Texto con los cambios o información proporcionada"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20000,
        help_text=_("Obligatorio si puede publicarse con cambios o si proporciona información."),
    )

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = consultation.allowed_answers()


class UserNoticeForm(UserInputMixin, forms.Form):
    text = forms.CharField(
        label=_("Texto enviado a la persona usuaria"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    link = forms.URLField(
        label=_("Enlace a la respuesta publicada (opcional)"), required=False, max_length=500, assume_scheme="https"
    )

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {"text": user_notice_text(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
