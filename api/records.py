"""Records as the API shows them: plain dicts matching ``schemas``, built from rows the
access helpers already scoped. People appear by name only, never by e-mail."""

from __future__ import annotations

from accounts import access as accounts_access
from accounts.models import Account, LogEntry, Organ, User
from approvals import access as approvals_access
from approvals.models import AccountRequest
from consultations import access as consultations_access
from consultations.models import Consultation
from evaluations import access as evaluations_access
from evaluations import figures as evaluation_figures
from evaluations import services as evaluation_services
from evaluations.models import CriteriaVersion, Evaluation, Period
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


# --- Evaluations ----------------------------------------------------------------------------------


def period_ref(p: Period) -> dict:
    return {"id": p.pk, "year": p.year, "half": p.half, "label": str(p)}


def period(p: Period) -> dict:
    return {
        **period_ref(p),
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "criteria_version": p.criteria.number,
        "opened_at": p.opened_at,
    }


def _shows_scores(e: Evaluation, user: User) -> bool:
    """As the page: the organ sees the scores once issued; a draft is CNCS's work in progress."""
    return e.is_issued or evaluations_access.sees_drafts(user)


def evaluation(e: Evaluation, user: User) -> dict:
    """Needs ``period``, ``account__network`` and ``organ__entidad`` selected."""
    shows = _shows_scores(e, user)
    return {
        "id": e.pk,
        "period": period_ref(e.period),
        "account": account_ref(e.account),
        "organ": {
            "id": e.organ.pk,
            "name": e.organ.name,
            "entidad": e.organ.entidad.name if e.organ.entidad_id else None,
        },
        "status": e.status,
        "status_label": e.get_status_display(),
        "score": float(e.score) if shows and e.score is not None else None,
        "revision": e.revision,
        "issued_at": e.issued_at,
        "acknowledged_at": e.acknowledged_at,
        "was_flagged_abandoned": e.was_flagged_abandoned,
    }


def _figures(e: Evaluation, user: User, latest_snapshot: dict | None) -> dict | None:
    """While editable, today's figures (only for who sees drafts); once issued, those the organ
    received with the latest issue, as the page shows them."""
    if e.is_editable:
        if not evaluations_access.sees_drafts(user):
            return None
        return evaluation_figures.to_json(evaluation_figures.for_evaluation(e))
    if latest_snapshot is None:
        return None
    return evaluation_figures.to_json(evaluation_figures.from_json(latest_snapshot))


def evaluation_detail(e: Evaluation, user: User) -> dict:
    shows = _shows_scores(e, user)
    scores = evaluation_services.scores_of(e) if shows else []
    versions = list(e.issued_versions.select_related("issued_by").order_by("-revision")) if e.is_issued else []
    history = e.status_changes.select_related("changed_by").order_by("changed_at", "pk")
    return {
        **evaluation(e, user),
        "criteria_version": e.period.criteria.number,
        "summary": e.summary if shows else "",
        "response": e.response,
        "issued_by": _person(e.issued_by),
        "acknowledged_by": _person(e.acknowledged_by),
        "scores": [
            {
                "code": s.criterion.code,
                "name": s.criterion.name,
                "weight": s.criterion.weight,
                "scale": [s.criterion.scale_min, s.criterion.scale_max],
                "value": s.value,
                "comment": s.comment,
            }
            for s in scores
        ],
        "issued_versions": [
            {
                "revision": v.revision,
                "issued_at": v.issued_at,
                "issued_by": _person(v.issued_by),
                "reason": v.reason,
                "score": float(v.score),
                "summary": v.summary,
            }
            for v in versions
        ],
        "history": [
            {
                "from_status": h.from_status,
                "to_status": h.to_status,
                "changed_at": h.changed_at,
                "changed_by": _person(h.changed_by),
                "comment": h.comment,
            }
            for h in history
        ],
        "figures": _figures(e, user, versions[0].figures if versions else None),
        "can_acknowledge": e.status == Evaluation.Status.ISSUED and evaluations_access.may_acknowledge(user, e),
    }


def criteria_version(v: CriteriaVersion) -> dict:
    """Needs ``criteria`` prefetched."""
    return {
        "id": v.pk,
        "number": v.number,
        "title": v.title,
        "notes": v.notes,
        "status": v.status,
        "status_label": v.get_status_display(),
        "published_at": v.published_at,
        "criteria": [
            {
                "code": c.code,
                "position": c.position,
                "name": c.name,
                "reference": c.reference,
                "description": c.description,
                "scale_min": c.scale_min,
                "scale_max": c.scale_max,
                "scale_help": c.scale_help,
                "weight": c.weight,
                "source": c.source,
            }
            for c in v.criteria.all()
        ],
    }
