"""The evaluation procedure (§8.i): versions of the criteria, edited as drafts by the Comité
and published once; a published version never changes.

Contract used elsewhere: ``version_in_force(at=None) -> CriteriaVersion | None`` — the
latest published version at that moment.

Every write is one transaction that locks the version row and re-checks that it is still a
draft, so nothing reaches a published version's criteria, whoever calls. Only the Comité
writes (``access.publishes_criteria``). At most one draft exists at a time: a new draft
takes the next number, and two drafts created at once collide on the unique number, so
the second is refused. Publishing claims the draft with a conditional UPDATE on
``status='draft'``: of two publishes at once, one wins and the other is told who did it.

Reading: CNCS, the Comité and the system's administration see every version, drafts
included; the organs' titulars and administrators read the published ones, which they are
evaluated against (``may_read_criteria``, ``versions_visible_to``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access as accounts_access
from accounts.models import User
from core.formats import local_datetime
from notifications.services import notify

from . import access
from .models import CriteriaVersion, Criterion

PUBLISHED_KIND = "evaluations.criteria_published"

# What a criterion's form may set; the version and the position are the services' own.
CRITERION_FIELDS = (
    "code",
    "name",
    "reference",
    "description",
    "scale_min",
    "scale_max",
    "scale_help",
    "weight",
    "source",
)


def version_in_force(at=None) -> CriteriaVersion | None:
    at = at or timezone.now()
    return (
        CriteriaVersion.objects.filter(Q(status=CriteriaVersion.Status.PUBLISHED), published_at__lte=at)
        .order_by("-published_at", "-number")
        .first()
    )


# --- Reading ---------------------------------------------------------------------------------


def may_read_criteria(user: User) -> bool:
    """CNCS, the Comité and the system's administration; and whoever an evaluation reaches:
    an organ's titular or administrators (a consejero heads an office, and is one too)."""
    return access.sees_all(user) or bool(access.organ_ids_seen_by(user))


def sees_drafts(user: User) -> bool:
    """Drafts of the procedure: whoever sees drafts of evaluations (``access.sees_drafts``)."""
    return access.sees_drafts(user)


def versions_visible_to(user: User) -> QuerySet[CriteriaVersion]:
    """Every list and page of versions starts here."""
    qs = CriteriaVersion.objects.all()
    if sees_drafts(user):
        return qs
    if may_read_criteria(user):
        return qs.filter(status=CriteriaVersion.Status.PUBLISHED)
    return qs.none()


def require_read_criteria(user: User) -> None:
    if not may_read_criteria(user):
        raise PermissionDenied(
            _(
                "Los criterios de evaluación los consultan Comunicación Social, el Comité y los órganos "
                "que operan cuentas."
            )
        )


def get_version_for(user: User, pk: int) -> CriteriaVersion:
    """The version, 403 for who reads no criteria at all, 404 for a draft they may not see."""
    require_read_criteria(user)
    version = versions_visible_to(user).select_related("created_by", "published_by").filter(pk=pk).first()
    if version is None:
        raise Http404(_("No existe esa versión de los criterios o no tiene acceso a ella."))
    return version


def require_publishes_criteria(user: User) -> None:
    if not access.publishes_criteria(user):
        raise PermissionDenied(_("Solo el Comité de Gestión y Publicación Electrónica edita y publica los criterios."))


def current_draft() -> CriteriaVersion | None:
    return CriteriaVersion.objects.filter(status=CriteriaVersion.Status.DRAFT).order_by("-number").first()


# --- Writing ---------------------------------------------------------------------------------


_local = local_datetime


def _name(user: User | None) -> str:
    if user is None:
        return _("alguien")
    return user.get_full_name() or user.username


def published_refusal(version: CriteriaVersion) -> ValidationError:
    """Why a published version refuses a change, with who published it and when."""
    return ValidationError(
        _(
            "La versión %(number)s de los criterios se publicó el %(when)s (%(who)s) y ya no cambia; "
            "para modificarla cree un borrador nuevo a partir de ella."
        )
        % {"number": version.number, "when": _local(version.published_at), "who": _name(version.published_by)},
        code="published",
    )


def _lock_draft(version_id: int, by: User) -> CriteriaVersion:
    """Refuse who is not the Comité, lock the version, and refuse a published one."""
    require_publishes_criteria(by)
    version = CriteriaVersion.objects.select_for_update().filter(pk=version_id).first()
    if version is None:
        raise ValidationError(_("Esa versión de los criterios ya no existe."), code="missing")
    if version.is_published:
        raise published_refusal(version)
    return version


def create_draft(*, by: User, copy_from_id: int | None = None) -> CriteriaVersion:
    """A new draft with the next number and a copy of the criteria of ``copy_from_id`` (or of
    the latest published version), so the Comité edits rather than retypes."""
    require_publishes_criteria(by)
    try:
        with transaction.atomic():
            draft = current_draft()
            if draft is not None:
                raise ValidationError(
                    _("Ya hay un borrador en elaboración (versión %(number)s); edítelo o descártelo primero.")
                    % {"number": draft.number},
                    code="draft_exists",
                )
            if copy_from_id is not None:
                source = CriteriaVersion.objects.filter(pk=copy_from_id).first()
                if source is None:
                    raise ValidationError(_("La versión que quiere copiar no existe."), code="missing")
            else:
                source = (
                    CriteriaVersion.objects.filter(status=CriteriaVersion.Status.PUBLISHED).order_by("-number").first()
                )
            number = (CriteriaVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
            version = CriteriaVersion.objects.create(
                number=number,
                title=source.title if source else _("Procedimiento de evaluación semestral"),
                notes="",
                created_by=by,
                created_at=timezone.now(),
            )
            if source is not None:
                Criterion.objects.bulk_create(
                    [
                        Criterion(version=version, position=position, **{f: getattr(c, f) for f in CRITERION_FIELDS})
                        for position, c in enumerate(source.criteria.order_by("position", "id"))
                    ]
                )
    except IntegrityError:
        # Two drafts created at once take the same number: the unique number refuses one.
        raise ValidationError(
            _("Otra persona creó un borrador al mismo tiempo. Recargue la página."), code="conflict"
        ) from None
    return version


def update_draft(*, version_id: int, by: User, title: str, notes: str = "") -> CriteriaVersion:
    with transaction.atomic():
        version = _lock_draft(version_id, by)
        version.title = title.strip()
        version.notes = notes.strip()
        version.clean_fields(exclude=[f.name for f in CriteriaVersion._meta.fields if f.name not in ("title", "notes")])
        version._history_user = by  # read by django-simple-history, should the model keep a history
        version.save(update_fields=["title", "notes"])
    return version


def save_criterion(*, version_id: int, by: User, criterion_id: int | None = None, **fields) -> Criterion:
    """Add a criterion to a draft (``criterion_id`` None) or edit one of its criteria."""
    unknown = set(fields) - set(CRITERION_FIELDS)
    if unknown:
        raise TypeError(f"save_criterion() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        version = _lock_draft(version_id, by)
        if criterion_id is None:
            last = version.criteria.aggregate(p=Max("position"))["p"]
            criterion = Criterion(version=version, position=0 if last is None else last + 1)
        else:
            criterion = version.criteria.filter(pk=criterion_id).first()
            if criterion is None:
                raise ValidationError(_("Ese criterio no pertenece a esta versión."), code="missing")
        for field, value in fields.items():
            setattr(criterion, field, value.strip() if isinstance(value, str) else value)
        _check_criterion(criterion)
        criterion._history_user = by
        criterion.save()
    return criterion


def _check_criterion(criterion: Criterion) -> None:
    """The field validators, then the rules between fields, all in one error."""
    errors: dict[str, list] = {}
    try:
        criterion.clean_fields(exclude=["version", "position"])
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if (
        "scale_min" not in errors
        and "scale_max" not in errors
        and isinstance(criterion.scale_min, int)
        and isinstance(criterion.scale_max, int)
        and criterion.scale_max <= criterion.scale_min
    ):
        errors.setdefault("scale_max", []).append(
            ValidationError(_("El máximo de la escala debe ser mayor que el mínimo."), code="scale")
        )
    if "code" not in errors and criterion.code:
        taken = Criterion.objects.filter(version_id=criterion.version_id, code=criterion.code)
        if criterion.pk:
            taken = taken.exclude(pk=criterion.pk)
        if taken.exists():
            errors.setdefault("code", []).append(
                ValidationError(_("Ya hay un criterio con esa clave en esta versión."), code="unique")
            )
    if errors:
        raise ValidationError(errors)


def remove_criterion(*, version_id: int, criterion_id: int, by: User) -> None:
    with transaction.atomic():
        version = _lock_draft(version_id, by)
        deleted, _rows = version.criteria.filter(pk=criterion_id).delete()
        if not deleted:
            raise ValidationError(_("Ese criterio no pertenece a esta versión."), code="missing")
        _renumber(version)


MOVES = {"up": -1, "down": 1}


def move_criterion(*, version_id: int, criterion_id: int, by: User, direction: str) -> None:
    """One place up or down in the draft's order."""
    with transaction.atomic():
        version = _lock_draft(version_id, by)
        if direction not in MOVES:
            raise ValidationError(_("Esa dirección no existe."), code="direction")
        ids = list(version.criteria.order_by("position", "id").values_list("pk", flat=True))
        if criterion_id not in ids:
            raise ValidationError(_("Ese criterio no pertenece a esta versión."), code="missing")
        index = ids.index(criterion_id)
        other = index + MOVES[direction]
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
        _renumber(version, ids)


def _renumber(version: CriteriaVersion, ids: list[int] | None = None) -> None:
    if ids is None:
        ids = list(version.criteria.order_by("position", "id").values_list("pk", flat=True))
    criteria = Criterion.objects.in_bulk(ids)
    changed = []
    for position, pk in enumerate(ids):
        if criteria[pk].position != position:
            criteria[pk].position = position
            changed.append(criteria[pk])
    Criterion.objects.bulk_update(changed, ["position"])


def discard_draft(*, version_id: int, by: User) -> None:
    """A draft nobody will publish goes, with its criteria; a published version stays forever."""
    with transaction.atomic():
        version = _lock_draft(version_id, by)
        version.delete()


def publish_version(*, version_id: int, by: User) -> CriteriaVersion:
    """The draft becomes the procedure in force; CNCS and the Comité are told."""
    with transaction.atomic():
        version = _lock_draft(version_id, by)
        criteria = list(version.criteria.all())
        if not criteria:
            raise ValidationError(_("Un procedimiento sin criterios no se puede publicar."), code="empty")
        now = timezone.now()
        # The row is locked by _lock_draft; the conditional claim also holds where a lock is
        # not (SQLite): of two publishes one wins.
        claimed = CriteriaVersion.objects.filter(pk=version.pk, status=CriteriaVersion.Status.DRAFT).update(
            status=CriteriaVersion.Status.PUBLISHED, published_at=now, published_by=by
        )
        if claimed != 1:
            version.refresh_from_db()
            raise published_refusal(version)
        version.status = CriteriaVersion.Status.PUBLISHED
        version.published_at = now
        version.published_by = by
        # The claim bypasses the history; this save (same values) records who published it.
        version._history_user = by
        version.save(update_fields=["status", "published_at", "published_by"])
        notify(
            list(accounts_access.cncs_users()) + list(accounts_access.committee_users()),
            kind=PUBLISHED_KIND,
            title=_("Criterios de evaluación publicados: versión %(number)s") % {"number": version.number},
            body=_(
                "%(who)s publicó la versión %(number)s del procedimiento de evaluación («%(title)s»), con "
                "%(count)s criterios. Se aplica a los periodos que se abran desde el %(when)s."
            )
            % {
                "who": _name(by),
                "number": version.number,
                "title": version.title,
                "count": len(criteria),
                "when": _local(now),
            },
            url=reverse("evaluations:criteria_detail", args=[version.pk]),
        )
    return version
