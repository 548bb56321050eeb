"""Records as the API shows them: plain dicts matching ``schemas``, built from rows the
access helpers already scoped. People appear by name only, never by e-mail."""

from __future__ import annotations

from accounts import access as accounts_access
from accounts.models import Account, LogEntry, Organ, User
from approvals import access as approvals_access
from approvals.models import AccountRequest
from consultations import access as consultations_access
from consultations.models import Consultation
from incidents import access as incidents_access
from incidents.models import Incident


def _person(user: User | None) -> str | None:
    return str(user) if user is not None else None


def organ_ref(organ: Organ | None) -> dict | None:
    if organ is None:
        return None
    return {
        "id": organ.pk,
        "name": organ.name,
        "kind": organ.kind,
        "entidad": organ.entidad.name if organ.entidad_id else None,
    }


def account_ref(account: Account | None) -> dict | None:
    if account is None:
        return None
    return {"id": account.pk, "network": account.network.code, "handle": account.display_handle, "name": account.name}


def account(a: Account, user: User) -> dict:
    return {
        "id": a.pk,
        "organ": organ_ref(a.organ),
        "network": {"id": a.network.pk, "code": a.network.code, "name": a.network.name},
        "name": a.name,
        "handle": a.display_handle,
        "url": a.url,
        "registration_email": a.registration_email,
        "purpose": a.purpose,
        "status": a.status,
        "status_label": a.get_status_display(),
        "verification_status": a.verification_status,
        "is_official": a.is_official,
        "is_consejero_personal": a.is_consejero_personal,
        "attention_hours": a.attention_hours,
        "activated_at": a.activated_at,
        "closed_at": a.closed_at,
        "last_password_rotation_at": a.last_password_rotation_at,
        "password_rotation_due_on": a.password_rotation_due_on,
        "last_activity_at": a.last_activity_at,
        "flagged_abandoned_at": a.flagged_abandoned_at,
        "can_operate": accounts_access.can_operate_account(user, a),
    }


def log_entry(entry: LogEntry) -> dict:
    return {
        "id": entry.pk,
        "account": entry.account_id,
        "kind": entry.kind,
        "kind_label": entry.get_kind_display(),
        "text": entry.text,
        "link": entry.link,
        "occurred_at": entry.occurred_at,
        "author": _person(entry.author),
        "corrects": entry.corrects_id,
        "created_at": entry.created_at,
    }


def account_request(req: AccountRequest, user: User) -> dict:
    return {
        "id": req.pk,
        "folio": req.folio,
        "kind": req.kind,
        "kind_label": req.get_kind_display(),
        "status": req.status,
        "status_label": req.status_label,
        "organ": organ_ref(req.organ),
        "requester": _person(req.requester),
        "oficio_number": req.oficio_number,
        "has_oficio": bool(req.oficio),
        "network": req.network.code if req.network_id else None,
        "proposed_name": req.proposed_name,
        "proposed_handle": req.proposed_handle,
        "account_url": req.account_url,
        "purpose": req.purpose,
        "account": account_ref(req.account),
        "reason": req.reason,
        "submitted_at": req.submitted_at,
        "decided_at": req.decided_at,
        "decided_by": _person(req.decided_by),
        "decision_comment": req.decision_comment,
        "mailbox": req.mailbox,
        "completed_at": req.completed_at,
        "created_at": req.created_at,
        "is_overdue": bool(getattr(req, "is_overdue", False)),
        "actions": [action for action in AccountRequest.Action.values if approvals_access.can(user, req, action)],
    }


def consultation(c: Consultation, user: User) -> dict:
    return {
        "id": c.pk,
        "account": account_ref(c.account),
        "organ": organ_ref(c.account.organ),
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "status": c.status,
        "status_label": c.get_status_display(),
        "question": c.question,
        "subject_text": c.subject_text,
        "source_link": c.source_link,
        "requested_by": _person(c.requested_by),
        "submitted_at": c.submitted_at,
        "due_at": c.due_at,
        "answer": c.answer,
        "answer_label": c.get_answer_display() if c.answer else "",
        "answer_text": c.answer_text,
        "answered_by": _person(c.answered_by),
        "answered_at": c.answered_at,
        "expired_at": c.expired_at,
        "allowed_answers": [value for value, _label in c.allowed_answers()],
        "can_answer": consultations_access.can_answer(user, c),
    }


def incident(i: Incident, user: User) -> dict:
    return {
        "id": i.pk,
        "kind": i.kind,
        "kind_label": i.get_kind_display(),
        "status": i.status,
        "status_label": i.get_status_display(),
        "account": account_ref(i.account),
        "organ": organ_ref(i.organ),
        "fake_handle": i.fake_handle,
        "network": i.network.code if i.network_id else None,
        "description": i.description,
        "detected_at": i.detected_at,
        "reported_at": i.reported_at,
        "reported_by": _person(i.reported_by),
        "contained_at": i.contained_at,
        "resolved_at": i.resolved_at,
        "closed_at": i.closed_at,
        "summary": i.summary,
        "actions": incidents_access.available_actions(user, i),
    }
