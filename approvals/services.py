"""Every write to a request: one function per transition.

Each function is one transaction: it locks the request row, re-checks who acts and the
state against ``AccountRequest.TRANSITIONS`` (``ensure_allowed``), claims the move with a
conditional UPDATE on the status (so of two people acting at once exactly one wins, on
any database), records the transition (who, when, from → to, comment) and writes its
notifications in the same transaction; e-mail goes out after commit. Account status
changes go through ``accounts.services``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access as accounts_access
from accounts import selectors as accounts_selectors
from accounts import services as accounts_services
from accounts.models import Account, User
from accounts.services import InvalidTransition
from accounts.validators import validate_institutional_email
from notifications.services import notify

from . import access
from .models import AccountRequest, RequestTransition, Step
from .uploads import validate_identity_material, validate_oficio

Kind = AccountRequest.Kind
Status = AccountRequest.Status
Action = AccountRequest.Action
Actor = AccountRequest.Actor


class AlreadyResolved(InvalidTransition):
    """Someone else decided (or withdrew) the request first; nothing was changed."""


# --- Helpers ---------------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y a las %H:%M")


def _detail_url(req: AccountRequest) -> str:
    return reverse("approvals:detail", args=[req.pk])


def _dashboard_url(req: AccountRequest | None = None) -> str:
    url = reverse("approvals:dashboard")
    return f"{url}?ver={req.pk}" if req is not None else url


def _actor_name(by: User | None) -> str:
    # Kept on the audit row so the timeline still names people whose user was removed.
    return (by.get_full_name() or by.username) if by else _("el sistema")


def _lock(request_id: int) -> AccountRequest:
    return AccountRequest.objects.select_for_update().get(pk=request_id)


def _move(req: AccountRequest, to_status: str, by: User | None, comment: str = "", **fields) -> RequestTransition:
    """Claim the move with a conditional UPDATE on the status we read, then record it."""
    from_status = req.status
    now = timezone.now()
    claimed = AccountRequest.objects.filter(pk=req.pk, status=from_status).update(
        status=to_status, updated_at=now, **fields
    )
    if claimed != 1:
        raise InvalidTransition(_("Otra persona actuó sobre esta solicitud al mismo tiempo. Recargue la página."))
    req.status = to_status
    for field, value in fields.items():
        setattr(req, field, value)
    return RequestTransition.objects.create(
        request=req,
        from_status=from_status,
        to_status=to_status,
        by=by,
        by_name=_actor_name(by),
        at=now,
        comment=comment,
    )


def _store(req: AccountRequest, field: str, upload: File, written: list[str]) -> None:
    file = getattr(req, field)
    file.save(upload.name, upload, save=False)
    written.append(file.name)


def _discard(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _state_error(req: AccountRequest, action: str) -> InvalidTransition:
    return InvalidTransition(
        _("No se puede %(action)s: la solicitud %(folio)s está «%(status)s».")
        % {"action": Action(action).label, "folio": req.folio, "status": req.status_label}
    )


def ensure_allowed(req: AccountRequest, by: User, action: str) -> Step:
    """Refuse unless ``by`` may take ``action`` on ``req`` now; return the step it takes.

    Who first (PermissionDenied), then the status (InvalidTransition), both read from
    ``AccountRequest.TRANSITIONS``: the same table ``access`` uses for the buttons. Every
    write below calls it on the locked row; a page that shows a form calls it first so
    the person hears the refusal the write would give.
    """
    actor = AccountRequest.actor_for(action)
    if not access.is_actor(by, actor, req.organ_id):
        raise PermissionDenied(
            _("Solo %(actor)s puede %(action)s.") % {"actor": Actor(actor).label, "action": Action(action).label}
        )
    step = req.step(action)
    if step is None:
        raise _not_decidable(req) if action in AccountRequest.DECISIONS else _state_error(req, action)
    return step


def ensure_may_file(by: User, kind: str | None = None) -> None:
    """Refuse unless ``by`` may file requests (of ``kind``, when given)."""
    kinds = access.kinds_user_may_file(by)
    if kind in kinds or (kind is None and kinds):
        return
    if AccountRequest.FILED_BY.get(kind) == Actor.CONSEJERO:
        raise PermissionDenied(_("Solo una consejera o un consejero electoral puede solicitar esta publicidad."))
    raise PermissionDenied(_("Solo la persona titular de un órgano responsable presenta solicitudes."))


def _organ_people(req: AccountRequest) -> list[User]:
    return list(accounts_access.organ_people(req.organ))


def _administrators_text(req: AccountRequest) -> str:
    lines = [
        _("%(role)s: %(person)s (%(title)s, %(email)s)")
        % {
            "role": d.get_role_display(),
            "person": d.user,
            "title": d.user.job_title or d.user.get_position_level_display(),
            "email": d.user.email,
        }
        for d in accounts_selectors.current_designations(req.organ)
    ]
    return "\n".join(lines) or _("Sin administradores designados.")


# --- Filing ------------------------------------------------------------------------------------


def _apply_fields(req: AccountRequest, fields: dict) -> None:
    allowed = set(AccountRequest.FIELDS_BY_KIND[req.kind])
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Fields not editable for {req.kind}: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(req, field, value.strip() if isinstance(value, str) else value)


def _validate(req: AccountRequest) -> None:
    """The request's own values (``full_clean``) and, beside them, what depends on other rows now."""
    errors: dict[str, list[str]] = {}
    try:
        req.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict
    for field, message in _state_conflicts(req):
        if field not in errors:
            errors[field] = [message]
    if errors:
        raise ValidationError(errors)


def _state_conflicts(req: AccountRequest) -> Iterator[tuple[str, str]]:
    """Checks against the database: the handle is free, the account to close is still live."""
    network = req.network if req.network_id else None
    if req.kind in (Kind.OPENING, Kind.PUBLICITY) and network and req.proposed_handle:
        taken = Account.objects.live().filter(network=network, handle__iexact=req.proposed_handle)
        if taken.exists():
            yield (
                "proposed_handle",
                _("Ya existe una cuenta vigente %(prefix)s%(handle)s en %(network)s.")
                % {"prefix": network.handle_prefix, "handle": req.proposed_handle, "network": network},
            )
    if req.kind == Kind.CLOSING and req.account_id and req.account.organ_id == req.organ_id:
        if req.is_editable and not req.account.is_operated:
            yield (
                "account",
                _("Solo se puede solicitar el cierre de una cuenta activa; esta está %(status)s.")
                % {"status": req.account.get_status_display().lower()},
            )


def _checked_oficio(oficio: File | None) -> None:
    if oficio is not None:
        try:
            validate_oficio(oficio)
        except ValidationError as exc:
            raise ValidationError({"oficio": exc.messages})


def create_request(
    *, by: User, kind: str, oficio: File | None = None, submit: bool = False, **fields
) -> AccountRequest:
    """File a request for the organ ``by`` heads: a draft, or sent at once with ``submit``."""
    ensure_may_file(by, kind)
    _checked_oficio(oficio)
    written: list[str] = []
    try:
        with transaction.atomic():
            req = AccountRequest(kind=kind, organ_id=accounts_access.headed_organ_id(by), requester=by)
            _apply_fields(req, fields)
            _validate(req)
            if oficio is not None:
                _store(req, "oficio", oficio, written)
            req.save()
            RequestTransition.objects.create(
                request=req,
                from_status="",
                to_status=Status.DRAFT,
                by=by,
                by_name=_actor_name(by),
                comment=_("Solicitud creada."),
            )
            if submit:
                submit_request(request_id=req.pk, by=by)
                req.refresh_from_db()
    except BaseException:
        _discard(written)
        raise
    return req


def update_request(
    *, request_id: int, by: User, oficio: File | None = None, submit: bool = False, **fields
) -> AccountRequest:
    """The titular edits a draft or a returned request (and may send it in the same step)."""
    _checked_oficio(oficio)
    written: list[str] = []
    try:
        with transaction.atomic():
            req = _lock(request_id)
            ensure_allowed(req, by, Action.EDIT)
            _apply_fields(req, fields)
            _validate(req)
            replaced = req.oficio.name if oficio is not None and req.oficio else None
            if oficio is not None:
                _store(req, "oficio", oficio, written)
            req.save()
            if replaced:
                transaction.on_commit(lambda: _discard([replaced]))
            if submit:
                submit_request(request_id=req.pk, by=by)
                req.refresh_from_db()
    except BaseException:
        _discard(written)
        raise
    return req


def submit_request(*, request_id: int, by: User) -> AccountRequest:
    """Send a draft (or a corrected returned request) to Comunicación Social."""
    with transaction.atomic():
        req = _lock(request_id)
        step = ensure_allowed(req, by, Action.SUBMIT)
        missing = req.missing_fields()
        if missing:
            raise ValidationError(missing)
        _validate(req)
        resubmitted = req.status == Status.RETURNED
        _move(
            req,
            step.to_status,
            by,
            _("Reenviada con los cambios solicitados.") if resubmitted else _("Enviada a Comunicación Social."),
            submitted_at=timezone.now(),
            requester=by,
            decided_at=None,
            decided_by=None,
            decision_comment="",
            last_reminded_on=None,
        )
        title = (
            _("Solicitud corregida: %(kind)s — %(organ)s")
            if resubmitted
            else _("Nueva solicitud: %(kind)s — %(organ)s")
        )
        notify(
            accounts_access.cncs_users(),
            kind="approvals.submitted",
            title=title % {"kind": req.get_kind_display(), "organ": req.organ},
            body=_(
                "%(person)s, titular de %(organ)s, envió la solicitud %(folio)s (%(kind)s): %(subject)s.\n"
                "Oficio: %(oficio)s.\nRevise el oficio y resuelva la solicitud desde el tablero."
            )
            % {
                "person": by,
                "organ": req.organ,
                "folio": req.folio,
                "kind": req.get_kind_display().lower(),
                "subject": req.subject,
                "oficio": req.oficio_number,
            },
            url=_dashboard_url(req),
        )
    return req


def withdraw_request(*, request_id: int, by: User, comment: str = "") -> AccountRequest:
    """The titular withdraws a request that Comunicación Social has not decided."""
    with transaction.atomic():
        req = _lock(request_id)
        step = ensure_allowed(req, by, Action.WITHDRAW)
        was_sent = req.status != Status.DRAFT
        _move(req, step.to_status, by, comment or _("Retirada por la persona titular del órgano."))
        if was_sent:
            notify(
                accounts_access.cncs_users(),
                kind="approvals.withdrawn",
                title=_("Solicitud retirada: %(folio)s — %(organ)s") % {"folio": req.folio, "organ": req.organ},
                body=_("%(person)s retiró la solicitud %(folio)s (%(subject)s).")
                % {
                    "person": by,
                    "folio": req.folio,
                    "subject": req.subject,
                },
                url=_detail_url(req),
            )
    return req


# --- Decisions (Comunicación Social) -----------------------------------------------------------


def _not_decidable(req: AccountRequest) -> InvalidTransition:
    """Tell a late decider who got there first, or why the request cannot be decided."""
    if req.status in AccountRequest.RESOLVED_STATUSES:
        source = Status.SUBMITTED if req.status != Status.WITHDRAWN else None
        transitions = req.transitions.order_by("-at", "-id")
        if source:
            transitions = transitions.filter(from_status=source)
        last = transitions.first()
        if last is not None:
            return AlreadyResolved(
                _("Esta solicitud ya fue resuelta por %(person)s el %(when)s (%(status)s). No se registró su decisión.")
                % {
                    "person": last.by_name,
                    "when": _when(last.at),
                    "status": AccountRequest.Status(last.to_status).label.lower(),
                }
            )
    return InvalidTransition(
        _("Solo se resuelven solicitudes enviadas a Comunicación Social; la solicitud %(folio)s está «%(status)s».")
        % {"folio": req.folio, "status": req.status_label}
    )


def _lock_for_decision(request_id: int, by: User, action: str) -> tuple[AccountRequest, Step]:
    req = _lock(request_id)
    return req, ensure_allowed(req, by, action)


def approve_request(
    *, request_id: int, by: User, comment: str = "", identity_material: File | None = None
) -> AccountRequest:
    """Approve (for a closing: acknowledge). The account follows requested → approved."""
    comment = (comment or "").strip()
    identity_extension = ""
    if identity_material is not None:
        try:
            identity_extension = validate_identity_material(identity_material)
        except ValidationError as exc:
            raise ValidationError({"identity_material": exc.messages})
    written: list[str] = []
    try:
        with transaction.atomic():
            req, step = _lock_for_decision(request_id, by, Action.APPROVE)
            if identity_material is not None and req.kind != Kind.OPENING:
                raise ValidationError(
                    {"identity_material": [_("El material de identidad gráfica solo acompaña una apertura.")]}
                )
            now = timezone.now()
            _move(req, step.to_status, by, comment, decided_at=now, decided_by=by, decision_comment=comment)
            if req.kind == Kind.OPENING:
                if identity_material is not None:
                    req._identity_extension = identity_extension
                    _store(req, "identity_material", identity_material, written)
                _approve_opening(req, by)
            elif req.kind == Kind.CLOSING:
                _acknowledge_closing(req, by)
            else:
                _approve_publicity(req, by)
            req.save(update_fields=["account", "identity_material", "updated_at"])
    except BaseException:
        _discard(written)
        raise
    return req


def _approve_opening(req: AccountRequest, by: User) -> None:
    account = accounts_services.create_account(
        organ=req.organ,
        network=req.network,
        name=req.proposed_name,
        purpose=req.purpose,
        handle=req.proposed_handle,
        status=Account.Status.REQUESTED,
        by=req.requester,
    )
    account = accounts_services.change_account_status(
        account_id=account.pk,
        to_status=Account.Status.APPROVED,
        by=by,
        comment=_("Apertura aprobada por Comunicación Social (solicitud %(folio)s).") % {"folio": req.folio},
    )
    req.account = account
    # The administrators are the titular's designation in the signed oficio; approving
    # the request gives it effect. designate_administrators re-checks the §5.1 rules and
    # notifies CNCS and the Comité of any change.
    try:
        accounts_services.designate_administrators(
            organ_id=req.organ_id,
            by=req.requester,
            titular=req.proposed_titular,
            suplente=req.proposed_suplente,
            oficio_number=req.oficio_number,
        )
    except PermissionDenied:
        raise InvalidTransition(
            _(
                "%(person)s ya no es titular de %(organ)s, así que su designación de administradores no puede "
                "surtir efecto. Devuelva la solicitud para que la presente la persona titular actual."
            )
            % {"person": req.requester, "organ": req.organ}
        )
    except ValidationError as exc:
        raise InvalidTransition(
            _("Los administradores propuestos ya no cumplen los requisitos: %(errors)s Devuelva la solicitud.")
            % {"errors": " ".join(exc.messages)}
        )
    notify(
        [req.requester, req.proposed_titular, req.proposed_suplente],
        kind="approvals.approved",
        title=_("Apertura aprobada: %(subject)s") % {"subject": req.subject},
        body=_(
            "Comunicación Social aprobó la solicitud %(folio)s para abrir %(subject)s.%(comment)s\n"
            "Siguiente paso: UNICOM aprovisionará el correo institucional con el que se registrará la cuenta; "
            "después el órgano registrará el nombre de usuario y la dirección reales."
        )
        % {"folio": req.folio, "subject": req.subject, "comment": _comment_line(req.decision_comment)},
        url=_detail_url(req),
    )
    notify(
        accounts_access.unicom_users(),
        kind="approvals.mailbox_needed",
        title=_("Aprovisionar correo institucional: %(subject)s — %(organ)s")
        % {"subject": req.subject, "organ": req.organ},
        body=_(
            "Comunicación Social aprobó la apertura de %(subject)s para %(organ)s (solicitud %(folio)s). "
            "Aprovisione el buzón @%(domain)s con el que se registrará la cuenta y regístrelo en la solicitud."
        )
        % {
            "subject": req.subject,
            "organ": req.organ,
            "folio": req.folio,
            "domain": settings.INSTITUTIONAL_EMAIL_DOMAIN,
        },
        url=_detail_url(req),
    )


def _acknowledge_closing(req: AccountRequest, by: User) -> None:
    notify(
        [req.requester, *accounts_access.organ_administrators(req.organ)],
        kind="approvals.closing_acknowledged",
        title=_("Acuse de recibo registrado: cierre de %(subject)s") % {"subject": req.subject},
        body=_(
            "Comunicación Social registró el acuse de recibo de la solicitud %(folio)s para cerrar "
            "%(subject)s.%(comment)s\n"
            "Siguiente paso: borre los contenidos de la cuenta, cancélela en la plataforma y confírmelo en la "
            "solicitud; entonces la cuenta quedará cerrada."
        )
        % {"folio": req.folio, "subject": req.subject, "comment": _comment_line(req.decision_comment)},
        url=_detail_url(req),
    )


def _approve_publicity(req: AccountRequest, by: User) -> None:
    account = accounts_services.create_account(
        organ=req.organ,
        network=req.network,
        name=req.proposed_name,
        purpose=req.purpose,
        handle=req.proposed_handle,
        url=req.account_url,
        is_consejero_personal=True,
        status=Account.Status.REQUESTED,
        by=req.requester,
    )
    accounts_services.change_account_status(
        account_id=account.pk,
        to_status=Account.Status.APPROVED,
        by=by,
        comment=_("Publicidad aprobada por Comunicación Social (solicitud %(folio)s).") % {"folio": req.folio},
    )
    account = accounts_services.change_account_status(
        account_id=account.pk,
        to_status=Account.Status.ACTIVE,
        by=by,
        comment=_("Se publica en los sitios del Instituto como cuenta personal de consejería."),
    )
    req.account = account
    _move(
        req,
        Status.COMPLETED,
        by,
        _("Cuenta publicada en los sitios del Instituto como cuenta personal de consejería."),
        completed_at=timezone.now(),
    )
    notify(
        [req.requester, *accounts_access.committee_users()],
        kind="approvals.publicity_approved",
        title=_("Cuenta personal de consejería publicada: %(subject)s") % {"subject": req.subject},
        body=_(
            "Comunicación Social aprobó la solicitud %(folio)s de %(person)s: la cuenta %(handle)s (%(url)s) se "
            "lista en los sitios del Instituto como cuenta personal de consejería.%(comment)s"
        )
        % {
            "folio": req.folio,
            "person": req.requester,
            "handle": account.display_handle,
            "url": account.url,
            "comment": _comment_line(req.decision_comment),
        },
        url=_detail_url(req),
    )


def _comment_line(comment: str) -> str:
    return ("\n" + _("Comentario de Comunicación Social: %(comment)s") % {"comment": comment}) if comment else ""


def reject_request(*, request_id: int, by: User, reason: str) -> AccountRequest:
    reason = (reason or "").strip()
    with transaction.atomic():
        req, step = _lock_for_decision(request_id, by, Action.REJECT)
        if not reason:
            raise ValidationError({"comment": [_("Indique el motivo del rechazo.")]})
        _move(req, step.to_status, by, reason, decided_at=timezone.now(), decided_by=by, decision_comment=reason)
        notify(
            [req.requester],
            kind="approvals.rejected",
            title=_("Solicitud rechazada: %(subject)s") % {"subject": req.subject},
            body=_("Comunicación Social rechazó la solicitud %(folio)s (%(kind)s).\nMotivo: %(reason)s")
            % {"folio": req.folio, "kind": req.get_kind_display().lower(), "reason": reason},
            url=_detail_url(req),
        )
    return req


def return_request(*, request_id: int, by: User, comment: str) -> AccountRequest:
    comment = (comment or "").strip()
    with transaction.atomic():
        req, step = _lock_for_decision(request_id, by, Action.RETURN)
        if not comment:
            raise ValidationError({"comment": [_("Indique qué debe cambiar el órgano.")]})
        _move(req, step.to_status, by, comment, decided_at=timezone.now(), decided_by=by, decision_comment=comment)
        notify(
            [req.requester],
            kind="approvals.returned",
            title=_("Solicitud devuelta para cambios: %(subject)s") % {"subject": req.subject},
            body=_(
                "Comunicación Social devolvió la solicitud %(folio)s (%(kind)s) para que la corrija y la reenvíe.\n"
                "Cambios solicitados: %(comment)s"
            )
            % {"folio": req.folio, "kind": req.get_kind_display().lower(), "comment": comment},
            url=reverse("approvals:edit", args=[req.pk]),
        )
    return req


# --- After approval: UNICOM's mailbox, the organ's registration, the closing ------------------------


def record_mailbox(*, request_id: int, by: User, mailbox: str, comment: str = "") -> AccountRequest:
    """UNICOM records the @ine.mx mailbox provisioned for an approved opening (§7.v)."""
    mailbox = (mailbox or "").strip().lower()
    with transaction.atomic():
        req = _lock(request_id)
        step = ensure_allowed(req, by, Action.RECORD_MAILBOX)
        try:
            validate_email(mailbox)
            validate_institutional_email(mailbox)
        except ValidationError as exc:
            raise ValidationError({"mailbox": exc.messages})
        _move(
            req,
            step.to_status,
            by,
            comment or _("Correo institucional aprovisionado: %(mailbox)s") % {"mailbox": mailbox},
            mailbox=mailbox,
            mailbox_recorded_at=timezone.now(),
        )
        notify(
            _organ_people(req),
            kind="approvals.mailbox_ready",
            title=_("Correo institucional listo: registre %(subject)s") % {"subject": req.subject},
            body=_(
                "UNICOM aprovisionó el correo %(mailbox)s para la cuenta aprobada en la solicitud %(folio)s. "
                "Abra la cuenta en la plataforma con ese correo y registre aquí su nombre de usuario y dirección."
            )
            % {"mailbox": mailbox, "folio": req.folio},
            url=reverse("approvals:register", args=[req.pk]),
        )
    return req


def register_account(
    *, request_id: int, by: User, handle: str, url: str, attention_hours: str = "", comment: str = ""
) -> AccountRequest:
    """The organ registers the real handle and URL: the account becomes active (§7.iii).

    The handle is the one Comunicación Social approved; the address must lead to it
    (``Account.clean`` → ``Account.identity_errors``), because the public lookup vouches for both.
    """
    with transaction.atomic():
        req = _lock(request_id)
        step = ensure_allowed(req, by, Action.REGISTER_ACCOUNT)
        handle = _approved_handle(req, handle)
        updates = {"handle": handle, "url": (url or "").strip(), "registration_email": req.mailbox}
        if attention_hours.strip():
            updates["attention_hours"] = attention_hours.strip()
        account = accounts_services.change_account_status(
            account_id=req.account_id,
            to_status=Account.Status.ACTIVE,
            by=by,
            comment=comment or _("Cuenta abierta y registrada (solicitud %(folio)s).") % {"folio": req.folio},
            **updates,
        )
        _move(req, step.to_status, by, comment or _("Cuenta registrada y activa."), completed_at=timezone.now())
        notify(
            accounts_access.committee_users(),
            kind="approvals.account_opened",
            title=_("Nueva cuenta institucional: %(account)s — %(organ)s") % {"account": account, "organ": req.organ},
            body=_(
                "%(organ)s abrió una cuenta institucional aprobada por Comunicación Social (solicitud %(folio)s, "
                "oficio %(oficio)s).\n"
                "Nombre: %(name)s\nRed social: %(network)s\nUsuario: %(handle)s\nDirección: %(url)s\n"
                "Correo de registro: %(mailbox)s\nPropósitos: %(purpose)s\n"
                "Operación: la opera %(organ)s; horario de atención: %(hours)s.\n"
                "Administradores:\n%(administrators)s"
            )
            % {
                "organ": req.organ,
                "folio": req.folio,
                "oficio": req.oficio_number,
                "name": account.name,
                "network": account.network,
                "handle": account.display_handle,
                "url": account.url,
                "mailbox": account.registration_email,
                "purpose": account.purpose,
                "hours": account.attention_hours or _("no registrado"),
                "administrators": _administrators_text(req),
            },
            url=_detail_url(req),
        )
    return req


def _approved_handle(req: AccountRequest, handle: str) -> str:
    """``handle`` as typed, if it is the one approved (the account's, which only CNCS changes)."""
    account = req.account
    network = account.network
    typed = network.normalize_handle(handle)
    if not account.handle:
        raise ValidationError(
            {
                "handle": [
                    _(
                        "Comunicación Social no ha aprobado un nombre de usuario para esta cuenta; pídale que lo "
                        "confirme antes de registrarla."
                    )
                ]
            }
        )
    if network.handle_key(typed) != network.handle_key(account.handle):
        raise ValidationError(
            {
                "handle": [
                    _(
                        "El nombre de usuario aprobado es %(approved)s. Para registrar %(typed)s, Comunicación Social "
                        "debe confirmar antes el cambio de nombre de usuario."
                    )
                    % {"approved": account.display_handle, "typed": f"{network.handle_prefix}{typed}"}
                ]
            }
        )
    return typed


def confirm_closure(
    *, request_id: int, by: User, contents_deleted: bool, platform_cancelled: bool, comment: str = ""
) -> AccountRequest:
    """The organ confirms it deleted the contents and cancelled the account (§7.viii)."""
    with transaction.atomic():
        req = _lock(request_id)
        step = ensure_allowed(req, by, Action.CONFIRM_CLOSURE)
        if not (contents_deleted and platform_cancelled):
            raise ValidationError(
                _("Confirme que borró los contenidos y que canceló la cuenta en la plataforma antes de cerrarla.")
            )
        text = comment or _("Contenidos borrados y cuenta cancelada en la plataforma.")
        account = accounts_services.change_account_status(
            account_id=req.account_id, to_status=Account.Status.CLOSED, by=by, comment=text
        )
        _move(req, step.to_status, by, text, completed_at=timezone.now())
        notify(
            accounts_access.committee_users(),
            kind="approvals.account_closed",
            title=_("Cuenta institucional cerrada: %(account)s — %(organ)s") % {"account": account, "organ": req.organ},
            body=_(
                "%(organ)s cerró la cuenta %(account)s (%(url)s) por oficio %(oficio)s (solicitud %(folio)s).\n"
                "Motivo: %(reason)s\n%(person)s confirmó que se borraron sus contenidos y que se canceló en la "
                "plataforma."
            )
            % {
                "organ": req.organ,
                "account": account,
                "url": account.url or "—",
                "oficio": req.oficio_number,
                "folio": req.folio,
                "reason": req.reason,
                "person": by,
            },
            url=_detail_url(req),
        )
    return req


# --- The daily reminder ----------------------------------------------------------------------------


def _reminder_due(today) -> Q:
    return Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today)


def send_overdue_reminders(now: datetime | None = None) -> int:
    """Remind CNCS, once a day, of requests waiting longer than the configured days.

    Each request is claimed with a conditional UPDATE of its reminder date, so two
    workers running at once never remind of the same request twice in a day.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = settings.APPROVALS_REMINDER_AFTER_DAYS
    candidates = list(
        AccountRequest.objects.overdue(now)
        .filter(_reminder_due(today))
        .select_related("organ", "network", "account", "account__network")
        .order_by("submitted_at", "pk")
    )
    with transaction.atomic():
        claimed = [
            req
            for req in candidates
            if AccountRequest.objects.overdue(now)
            .filter(pk=req.pk)
            .filter(_reminder_due(today))
            .update(last_reminded_on=today)
            == 1
        ]
        if claimed:
            lines = [
                _("• %(folio)s — %(kind)s — %(organ)s — %(subject)s — %(days)s días en espera")
                % {
                    "folio": req.folio,
                    "kind": req.get_kind_display(),
                    "organ": req.organ,
                    "subject": req.subject,
                    "days": req.waiting_days(now),
                }
                for req in claimed
            ]
            notify(
                accounts_access.cncs_users(),
                kind="approvals.reminder",
                title=_("Recordatorio: %(count)s solicitudes esperan resolución desde hace más de %(days)s días")
                % {"count": len(claimed), "days": days},
                body=_("Estas solicitudes siguen sin resolverse:\n%(lines)s") % {"lines": "\n".join(lines)},
                url=reverse("approvals:dashboard") + "?vencidas=1",
            )
    return len(claimed)
