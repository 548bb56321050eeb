"""Form helpers every app uses."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core import kept_uploads
from core.middleware import RECOVERED_INPUT_SESSION_KEY


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors where the field exists and
    is seen; an error about a hidden field (one the person never typed) on the whole form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            shown = field in form.fields and not form.fields[field].widget.is_hidden
            form.add_error(field if shown else None, errors)
    else:
        form.add_error(None, exc.messages)


class StrictFilterMixin:
    """For a django-filter ``FilterSet``: an invalid filter matches nothing.

    django-filter drops a value that fails validation (an organ outside the user's scope,
    an unknown status) and lists everything, so a tampered link would widen the list
    instead of narrowing it. With this mixin ``qs`` is empty until every filter is valid;
    the form's errors say why. Put it before ``FilterSet`` in the bases.
    """

    @property
    def qs(self):
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


# --- Nothing the user typed or attached is lost ----------------------------------------------


class CountedMaxLengthValidator(MaxLengthValidator):
    """Refuses over-long text and says by how much, with the figures as people read them."""

    def __call__(self, value):
        length = self.clean(value)
        if length > self.limit_value:
            raise ValidationError(
                _("El texto tiene %(length)s caracteres; el máximo es %(limit)s."),
                code="max_length",
                params={"length": f"{length:,}", "limit": f"{self.limit_value:,}"},
            )


class AddressInput(forms.TextInput):
    """An address as people type it (``instagram.com/INEJalisco``): a plain text input, so
    the browser does not refuse what the server normalises to ``https://``."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "url", "autocomplete": "url", "spellcheck": "false", **(attrs or {})})


class UserInputMixin:
    """Put first in the bases of every form people type into.

    - A text limit is checked on the server only, with the count (``CountedMaxLengthValidator``):
      the ``maxlength`` attribute is not rendered, because a browser silently cuts pasted text
      at it and the page would then say the text was saved.
    - An address field is a text input (``AddressInput``) read as ``https://`` when typed
      without a scheme.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.URLField):
                field.assume_scheme = "https"
                if not isinstance(field.widget, AddressInput):
                    field.widget = AddressInput(
                        {k: v for k, v in field.widget.attrs.items() if k not in ("maxlength", "minlength")}
                    )
                    field.widget.is_required = field.required
            if isinstance(field, forms.CharField) and field.max_length is not None:
                field.widget.attrs.pop("maxlength", None)
                field.validators = [
                    CountedMaxLengthValidator(v.limit_value) if type(v) is MaxLengthValidator else v
                    for v in field.validators
                ]


def kept_token_name(field_name: str) -> str:
    return f"{field_name}_kept"


class KeepsUploadsMixin:
    """File fields that survive a submission that fails (see ``core.kept_uploads``).

    ``kept_upload_fields`` maps each file field to the sentence that tells the person the
    file is kept, with ``%(files)s`` for its name and size. The form takes ``owner`` (the
    person submitting); a token from anyone else is ignored. After the form's work
    succeeds, the view calls ``discard_kept_uploads()``.
    """

    kept_upload_fields: dict[str, str] = {}

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload_owner_id = owner.pk if owner is not None and owner.is_authenticated else None
        self.kept_uploads: dict[str, list[kept_uploads.KeptUpload]] = {}
        self._opened_kept: list = []
        for name in self.kept_upload_fields:
            if name in self.fields:
                self.fields[kept_token_name(name)] = forms.CharField(required=False, widget=forms.HiddenInput)
                if not self.is_bound:  # a token recovered after the session ended (recovered_initial)
                    token = self.initial.get(kept_token_name(name), "")
                    kept = kept_uploads.from_token(token, owner_id=self.upload_owner_id)
                    if kept:
                        self._note_kept(name, kept)

    def full_clean(self):
        restored: set[str] = set()
        if self.is_bound:
            files = self.files.copy()
            for name in self._kept_fields():
                if files.getlist(self.add_prefix(name)):
                    continue  # a new file replaces the kept one
                kept = kept_uploads.from_token(
                    self.data.get(self.add_prefix(kept_token_name(name)), ""), owner_id=self.upload_owner_id
                )
                if kept:
                    opened = [k.open() for k in kept]
                    self._opened_kept.extend(opened)
                    files.setlist(self.add_prefix(name), opened)
                    self.kept_uploads[name] = kept
                    restored.add(name)
            self.files = files
        super().full_clean()
        if not self.is_bound:
            return
        tokens = {}
        for name in self._kept_fields():
            if name in self.errors or self.upload_owner_id is None:
                continue
            if name not in restored:
                value = self.cleaned_data.get(name)
                uploads = [u for u in (value if isinstance(value, list | tuple) else [value]) if u]
                if not uploads:
                    continue
                self.kept_uploads[name] = [kept_uploads.keep(u) for u in uploads]
            kept = self.kept_uploads[name]
            tokens[kept_token_name(name)] = kept_uploads.token_for(kept, owner_id=self.upload_owner_id)
            self._note_kept(name, self.kept_uploads[name])
        self.data = self.data.copy()
        for token_name in (kept_token_name(n) for n in self._kept_fields()):
            self.data[self.add_prefix(token_name)] = tokens.get(token_name, "")

    def _kept_fields(self) -> list[str]:
        return [name for name in self.kept_upload_fields if name in self.fields]

    def _note_kept(self, name: str, kept: list[kept_uploads.KeptUpload]) -> None:
        files = ", ".join(f"{k.name} ({filesizeformat(k.size)})" for k in kept)
        self.fields[name].kept_note = self.kept_upload_fields[name] % {"files": files}

    def discard_kept_uploads(self) -> None:
        """Once the files are stored where they belong, their kept copies go."""
        for file in self._opened_kept:
            file.close()
        for kept in self.kept_uploads.values():
            kept_uploads.discard(kept)
        self.kept_uploads = {}


def recovered_initial(request, initial: dict | None = None) -> dict:
    """A form page's ``initial``, with what the person typed before their session ended
    (kept by ``core.middleware.ExpiredSessionFormMiddleware``), once, and a message saying so."""
    initial = dict(initial or {})
    if request.method != "GET" or not hasattr(request, "session"):
        return initial
    stash = request.session.get(RECOVERED_INPUT_SESSION_KEY)
    if not stash or request.path not in stash:
        return initial
    stash = dict(stash)
    entry = stash.pop(request.path)
    request.session[RECOVERED_INPUT_SESSION_KEY] = stash
    if not isinstance(entry, dict) or entry.get("owner") != request.user.pk:
        return initial  # typed by someone else on this browser: never shown to another person
    fields = entry["fields"]
    messages.info(
        request, _("Recuperamos lo que escribió antes de que su sesión terminara; revíselo y envíe de nuevo.")
    )
    initial.update({name: values[0] if len(values) == 1 else values for name, values in fields.items()})
    return initial


class FileInput(forms.FileInput):
    """A file input whose button and "no file chosen" text are ours, in Spanish: the
    browser draws its own in the language it was installed in ("Choose File")."""

    template_name = "core/widgets/file_input.html"


class MultipleFileInput(FileInput):
    allow_multiple_selected = True
