"""The checker with the lists CNCS keeps, and the edits to those lists.

``check_draft`` is what views and the API call: it loads the lists and the network's limit
(from the cache, the database only when they changed) and runs the pure ``checker.check``.
The compiled lists are kept per process for each version of the lists, so a check costs
one cache read on top of the checker itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Network

from .checker import Finding, NetworkSpec, WordLists, check
from .models import ElectoralProcess, Term

LISTS_KEY = "contentrules:lists:v1"
NETWORKS_KEY = "contentrules:networks:v1"
CACHE_SECONDS = 300  # a change is seen at once (the key is dropped); this only bounds a miss
MAX_TERMS_PER_LIST = 2000

_KIND_FIELDS = {
    Term.Kind.RESERVED: "reserved",
    Term.Kind.DISCOURTEOUS: "discourteous",
    Term.Kind.PARTISAN: "partisan",
    Term.Kind.CHATTER: "chatter",
    Term.Kind.OPINION: "opinion",
    Term.Kind.ALLOWED_DOMAIN: "allowed_domains",
    Term.Kind.VOCABULARY: "vocabulary",
}


def _load_lists() -> tuple:
    terms: dict[str, list[str]] = {field: [] for field in _KIND_FIELDS.values()}
    for kind, text in Term.objects.filter(is_active=True).order_by("kind", "text").values_list("kind", "text"):
        terms[_KIND_FIELDS[kind]].append(text)
    processes = tuple(ElectoralProcess.objects.values_list("name", "starts_on", "ends_on"))
    return tuple((field, tuple(words)) for field, words in sorted(terms.items())), processes


@lru_cache(maxsize=8)
def _compiled(terms: tuple, process: str) -> WordLists:
    return WordLists(**dict(terms), electoral_process=process)


def current_lists() -> WordLists:
    data = cache.get(LISTS_KEY)
    if data is None:
        data = _load_lists()
        cache.set(LISTS_KEY, data, CACHE_SECONDS)
    terms, processes = data
    today = timezone.localdate()
    process = next((name for name, starts, ends in processes if starts <= today <= ends), "")
    return _compiled(terms, process)


def network_specs() -> dict[str, NetworkSpec]:
    specs = cache.get(NETWORKS_KEY)
    if specs is None:
        specs = {
            code: NetworkSpec(code=code, name=name, max_length=limit)
            for code, name, limit in Network.objects.filter(is_active=True).values_list(
                "code", "name", "max_post_length"
            )
        }
        cache.set(NETWORKS_KEY, specs, CACHE_SECONDS)
    return specs


def network_choices() -> list[tuple[str, str]]:
    return [(spec.code, spec.name) for spec in network_specs().values()]


def check_draft(text: str, network_code: str | None = None) -> list[Finding]:
    """The findings on ``text`` under the lists in force; with a network's code, its
    character limit too (an unknown code is checked as no network)."""
    network = network_specs().get(network_code) if network_code else None
    return check(text, network, current_lists())


def forget_lists(**_kwargs) -> None:
    cache.delete(LISTS_KEY)


def forget_networks(**_kwargs) -> None:
    cache.delete(NETWORKS_KEY)


# --- Editing a list --------------------------------------------------------------------------


@dataclass(frozen=True)
class ListChange:
    added: list[str]
    removed: list[str]


DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[\w@.\-/]*)?$", re.IGNORECASE)


def parse_terms(kind: str, lines: str) -> list[str]:
    """One term per line, spaces tidied, repeated lines once; refused with the line's words
    if one is too long or, for the allowed sites, not a domain."""
    terms: dict[str, str] = {}
    errors = []
    for line in (lines or "").splitlines():
        term = " ".join(line.split())
        if kind == Term.Kind.ALLOWED_DOMAIN:
            term = re.sub(r"^(?:https?://)?(?:www\.)?", "", term, flags=re.IGNORECASE).rstrip("/")
        if not term:
            continue
        if len(term) > 120:
            errors.append(_("«%(term)s…» pasa de 120 caracteres.") % {"term": term[:30]})
        elif kind == Term.Kind.ALLOWED_DOMAIN and not DOMAIN.match(term):
            errors.append(_("«%(term)s» no es un dominio (p. ej., ine.mx o x.com/INEMexico).") % {"term": term[:60]})
        terms.setdefault(term.casefold(), term)
    if len(terms) > MAX_TERMS_PER_LIST:
        errors.append(_("Una lista admite hasta %(n)s renglones.") % {"n": MAX_TERMS_PER_LIST})
    if errors:
        raise ValidationError({"terms": errors[:10]})
    return list(terms.values())


def update_list(kind: str, lines: str, by) -> ListChange:
    """Make the list ``kind`` exactly ``lines``: new terms are added, missing ones
    deactivated, a deactivated one typed again comes back; each change is a history row."""
    if kind not in Term.Kind.values:
        raise ValidationError(_("Esa lista no existe."))
    wanted = parse_terms(kind, lines)
    wanted_keys = {t.casefold(): t for t in wanted}
    added, removed = [], []
    with transaction.atomic():
        existing = {t.text.casefold(): t for t in Term.objects.select_for_update().filter(kind=kind)}
        for key, text in wanted_keys.items():
            term = existing.get(key)
            if term is None:
                term = Term(kind=kind, text=text)
                term._history_user = by
                term.save()
                added.append(text)
            elif not term.is_active or term.text != text:
                term.is_active, term.text = True, text
                term._history_user = by
                term.save(update_fields=["is_active", "text", "updated_at"])
                added.append(text)
        for key, term in existing.items():
            if term.is_active and key not in wanted_keys:
                term.is_active = False
                term._history_user = by
                term.save(update_fields=["is_active", "updated_at"])
                removed.append(term.text)
        transaction.on_commit(forget_lists)
    return ListChange(added=added, removed=removed)


def list_history(kind: str, limit: int = 30):
    return (
        Term.history.filter(kind=kind).select_related("history_user").order_by("-history_date", "-history_id")[:limit]
    )


def active_terms(kind: str) -> list[str]:
    return list(Term.objects.filter(kind=kind, is_active=True).order_by("text").values_list("text", flat=True))


def list_counts() -> dict[str, int]:
    from django.db.models import Count

    rows = Term.objects.filter(is_active=True).values("kind").annotate(n=Count("pk"))
    return {row["kind"]: row["n"] for row in rows}


def current_process() -> ElectoralProcess | None:
    today = timezone.localdate()
    return ElectoralProcess.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
