"""The kinds of notification, registered by the apps that send them.

A domain app registers its kinds in ``AppConfig.ready()``; the registry gives each kind
its Spanish label (inbox filter, preferences page) and its default delivery: immediate
e-mail, or the daily digest for members of ``digest_for_groups``. A ``mandatory`` kind is
always e-mailed at once and cannot be moved to the digest. A kind nobody registered is
delivered immediately.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OTHER_SECTION = _("Otros avisos")


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    section: str | Promise
    digest_for_groups: tuple[str, ...] = ()
    mandatory: bool = False

    def _key(self) -> tuple:
        return (self.code, str(self.label), str(self.section), self.digest_for_groups, self.mandatory)


_registry: dict[str, Kind] = {}


def register_kind(
    code: str,
    label: str | Promise,
    *,
    section: str | Promise = OTHER_SECTION,
    digest_for_groups: Iterable[str] = (),
    mandatory: bool = False,
) -> Kind:
    """Register a kind of notification. ``label`` and ``section`` are lazy Spanish strings."""
    kind = Kind(code, label, section, tuple(digest_for_groups), mandatory)
    if mandatory and kind.digest_for_groups:
        raise ImproperlyConfigured(f"The mandatory notification kind {code!r} cannot default to the digest")
    existing = _registry.get(code)
    if existing is not None and existing._key() != kind._key():
        raise ImproperlyConfigured(f"The notification kind {code!r} is registered twice, differently")
    _registry[code] = kind
    return kind


def get_kind(code: str) -> Kind | None:
    return _registry.get(code)


def registered_kinds() -> list[Kind]:
    return list(_registry.values())


def label_for(code: str) -> str | Promise:
    """The kind's Spanish label; an unregistered kind shows its code."""
    kind = _registry.get(code)
    return kind.label if kind else code
