from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Entidad, Network, Organ
from core.forms import StrictFilterMixin, UserInputMixin

from . import lookup


class LookupForm(UserInputMixin, forms.Form):
    q = forms.CharField(
        label=_("Nombre de usuario o dirección de la cuenta"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "@INEMexico o https://x.com/INEMexico", "autocomplete": "off"}),
    )
    network = forms.ModelChoiceField(
        label=_("Red social (opcional)"),
        queryset=Network.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Cualquier red"),
    )


class DirectoryFilter(StrictFilterMixin, django_filters.FilterSet):
    """The directory's filters. They only validate what was asked: the rows come from
    ``lookup.directory``, the one definition of what the public directory lists."""

    q = django_filters.CharFilter(label=_("Buscar"), method="_keep")
    network = django_filters.ModelChoiceFilter(
        label=_("Red social"),
        queryset=Network.objects.all(),
        to_field_name="code",
        empty_label=_("Todas"),
        method="_keep",
    )
    entidad = django_filters.ModelChoiceFilter(
        label=_("Entidad"), queryset=Entidad.objects.all(), to_field_name="code", empty_label=_("Todas"), method="_keep"
    )
    organ_kind = django_filters.ChoiceFilter(
        label=_("Tipo de órgano"), choices=Organ.Kind.choices, empty_label=_("Todos"), method="_keep"
    )

    def _keep(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return lookup.directory(
            network=data["network"].code if data.get("network") else "",
            entidad=data["entidad"].code if data.get("entidad") else None,
            organ_kind=data.get("organ_kind") or "",
            q=data.get("q") or "",
        )


class HandleChangeForm(UserInputMixin, forms.Form):
    new_handle = forms.CharField(label=_("Nuevo nombre de usuario"), max_length=100)
    new_url = forms.URLField(
        label=_("Nueva dirección del perfil"),
        max_length=300,
        assume_scheme="https",
        help_text=_("La dirección completa del perfil con el nuevo nombre, p. ej. https://x.com/NuevoNombre"),
    )
    reason = forms.CharField(
        label=_("Motivo"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Por qué cambió el nombre de usuario o la dirección en la red social."),
    )


class RejectForm(UserInputMixin, forms.Form):
    note = forms.CharField(label=_("Motivo del rechazo"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(UserInputMixin, forms.Form):
    note = forms.CharField(
        label=_("Observaciones (opcional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
