"""What the API reads and writes. Inputs carry only types (the web page's form validates
the values, so the rules are written once); outputs are built by ``records``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, Literal, TypeVar

from ninja import Field, Schema

# The largest id a database integer holds: a bigger one is a 422, never an overflow.
MAX_ID = 2**63 - 1
Id = int
T = TypeVar("T")


class Page(Schema, Generic[T]):
    count: int
    limit: int
    offset: int
    items: list[T]


# --- References ---------------------------------------------------------------------------------


class OrganRef(Schema):
    id: int
    name: str
    kind: str
    entidad: str | None


class NetworkRef(Schema):
    id: int
    code: str
    name: str


class AccountRef(Schema):
    id: int
    network: str
    handle: str
    name: str


# --- Public -------------------------------------------------------------------------------------


class PublicAccount(Schema):
    network: str
    network_name: str
    handle: str
    url: str
    name: str
    organ: str
    organ_kind: str
    entidad: str | None
    is_national_official: bool
    status: str
    closed_on: str | None


class PublicMatch(Schema):
    status: str
    account: PublicAccount
    closed_on: date | None
    pending_handle: str


class VerifyOut(Schema):
    status: Literal[
        "official", "personal", "compromised", "closed", "reclassified", "pending_verification", "unregistered"
    ]
    label: str
    account: PublicAccount | None
    matches: list[PublicMatch]
    similar_to: list[PublicAccount]
    renamed_to: list[PublicAccount] = Field(
        default_factory=list,
        description="Cuentas del INE que tenían este nombre de usuario y lo cambiaron (confirmado por CNCS).",
    )
    query: str


# --- Tokens -------------------------------------------------------------------------------------


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=4096)
    name: str = Field("", max_length=100, description="Nombre de la clave (opcional).")


class TokenCreated(Schema):
    token: str = Field(..., description="La clave completa; solo se muestra esta vez.")
    id: int
    name: str
    prefix: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


# --- Accounts -----------------------------------------------------------------------------------


class AccountOut(Schema):
    id: int
    organ: OrganRef
    network: NetworkRef
    name: str
    handle: str
    url: str
    registration_email: str
    purpose: str
    status: str
    status_label: str
    verification_status: str
    is_official: bool
    is_consejero_personal: bool
    attention_hours: str
    activated_at: datetime | None
    closed_at: datetime | None
    last_password_rotation_at: datetime | None
    password_rotation_due_on: date | None
    last_activity_at: datetime | None
    flagged_abandoned_at: datetime | None
    can_operate: bool


class LogEntryIn(Schema):
    kind: str
    text: str
    link: str = ""
    occurred_at: datetime | None = None
    corrects: int | None = Field(None, ge=1, le=MAX_ID, description="La entrada que esta corrige.")


class LogEntryOut(Schema):
    id: int
    account: int
    kind: str
    kind_label: str
    text: str
    link: str
    occurred_at: datetime
    author: str
    corrects: int | None
    created_at: datetime


# --- Requests (approvals) -----------------------------------------------------------------------


class RequestOut(Schema):
    id: int
    folio: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    organ: OrganRef
    requester: str
    oficio_number: str
    has_oficio: bool
    network: str | None
    proposed_name: str
    proposed_handle: str
    account_url: str
    purpose: str
    account: AccountRef | None
    reason: str
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None
    decision_comment: str
    mailbox: str
    completed_at: datetime | None
    created_at: datetime
    is_overdue: bool
    actions: list[str] = Field(..., description="Los pasos que quien llama puede dar ahora.")


class DecisionIn(Schema):
    decision: Literal["approve", "return", "reject"]
    comment: str = ""


# --- Consultations ------------------------------------------------------------------------------


class ConsultationIn(Schema):
    account: int = Field(..., ge=1, le=MAX_ID)
    kind: str
    question: str
    subject_text: str
    source_link: str = ""


class ConsultationOut(Schema):
    id: int
    account: AccountRef
    organ: OrganRef
    kind: str
    kind_label: str
    status: str
    status_label: str
    question: str
    subject_text: str
    source_link: str
    requested_by: str
    submitted_at: datetime
    due_at: datetime
    answer: str
    answer_label: str
    answer_text: str
    answered_by: str | None
    answered_at: datetime | None
    expired_at: datetime | None
    allowed_answers: list[str]
    can_answer: bool


class AnswerIn(Schema):
    answer: str
    answer_text: str = ""


# --- Incidents ----------------------------------------------------------------------------------


class IncidentIn(Schema):
    kind: Literal["hack", "impersonation", "misuse", "erroneous", "hate"]
    detected_at: datetime
    description: str
    account: int | None = Field(None, ge=1, le=MAX_ID, description="La cuenta afectada (salvo suplantación).")
    fake_handle: str = Field("", description="Suplantación: la cuenta falsa, su usuario o su dirección.")
    network: int | None = Field(None, ge=1, le=MAX_ID, description="Suplantación: la red social (opcional).")


class IncidentOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    account: AccountRef | None
    organ: OrganRef | None
    fake_handle: str
    network: str | None
    description: str
    detected_at: datetime
    reported_at: datetime
    reported_by: str
    contained_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    summary: str
    actions: list[str]


class IncidentReported(Schema):
    created: bool = Field(..., description="False: la cuenta ya tenía un hackeo abierto y este es ese incidente.")
    message: str
    incident: IncidentOut


class ContentCheckIn(Schema):
    text: str = Field(..., description="El borrador o la respuesta por revisar (hasta 20,000 caracteres).")
    network: str = Field("", description="Clave de la red social (x, facebook, …); vacío: sin límite de longitud.")


class ContentFinding(Schema):
    rule: str
    criterion: str
    severity: Literal["blocks", "consult", "advice"]
    severity_label: str
    start: int
    end: int
    message: str
    suggestions: list[str]


class ContentCheckOut(Schema):
    count: int
    findings: list[ContentFinding]


# --- Evaluations --------------------------------------------------------------------------------


class PeriodRef(Schema):
    id: int
    year: int
    half: int
    label: str


class EvaluationOrganRef(Schema):
    id: int
    name: str
    entidad: str | None


class EvaluationOut(Schema):
    id: int
    period: PeriodRef
    account: AccountRef
    organ: EvaluationOrganRef
    status: Literal["pending", "in_progress", "issued", "acknowledged"]
    status_label: str
    score: float | None = Field(
        ..., description="De 0 a 100, calculada con los pesos. El órgano la ve cuando se emite; antes, null."
    )
    revision: int = Field(..., description="Número de emisión (0 mientras no se emite).")
    issued_at: datetime | None
    acknowledged_at: datetime | None
    was_flagged_abandoned: bool = Field(..., description="La cuenta estaba marcada como posiblemente abandonada.")


class EvaluationScoreOut(Schema):
    code: str
    name: str
    weight: int
    scale: list[int] = Field(..., description="Mínimo y máximo de la escala.")
    value: int | None
    comment: str


class IssuedVersionOut(Schema):
    revision: int
    issued_at: datetime
    issued_by: str
    reason: str = Field(..., description="Motivo de la corrección (vacío en la primera emisión).")
    score: float
    summary: str


class StatusChangeOut(Schema):
    from_status: str = Field(..., description="Vacío al crearse.")
    to_status: str
    changed_at: datetime
    changed_by: str | None = Field(..., description="Nombre de quien hizo el cambio; null si fue el sistema.")
    comment: str = Field(..., description="El motivo de una corrección o la respuesta al acusar recibo.")


class FigureOut(Schema):
    label: str
    value: str
    detail: str
    url: str
    warning: bool


class FigureGroupOut(Schema):
    source: str
    title: str
    figures: list[FigureOut]


class FiguresOut(Schema):
    groups: list[FigureGroupOut]


class EvaluationDetailOut(EvaluationOut):
    criteria_version: int = Field(..., description="Número de la versión de los criterios del periodo.")
    summary: str = Field(..., description="Observaciones generales (vacío para el órgano mientras no se emite).")
    response: str = Field(..., description="Respuesta del órgano al acusar recibo.")
    issued_by: str | None
    acknowledged_by: str | None
    scores: list[EvaluationScoreOut] = Field(..., description="Vacío para el órgano mientras no se emite.")
    issued_versions: list[IssuedVersionOut]
    history: list[StatusChangeOut]
    figures: FiguresOut | None = Field(
        ...,
        description=(
            "Cifras del sistema: las de hoy mientras se elabora (solo para quien ve los borradores); las que "
            "recibió el órgano una vez emitida."
        ),
    )
    can_acknowledge: bool


class AcknowledgeIn(Schema):
    response: str = Field("", description="Respuesta del órgano (opcional, hasta 6,000 caracteres).")
    revision: int = Field(..., description="La emisión que se leyó; si se corrigió mientras tanto, 409.")


class PeriodOut(Schema):
    id: int
    year: int
    half: int
    label: str
    starts_on: date
    ends_on: date
    criteria_version: int = Field(..., description="Número de la versión de los criterios con que se evalúa.")
    opened_at: datetime


class CriterionOut(Schema):
    code: str
    position: int
    name: str
    reference: str
    description: str
    scale_min: int
    scale_max: int
    scale_help: str
    weight: int
    source: str


class CriteriaVersionOut(Schema):
    id: int
    number: int
    title: str
    notes: str
    status: Literal["draft", "published"]
    status_label: str
    published_at: datetime | None
    criteria: list[CriterionOut]


class AttendIn(Schema):
    code: str = Field(..., description="El código que Comunicación Social muestra en la reunión.")


class AttendOut(Schema):
    already: bool = Field(..., description="True: la asistencia ya estaba registrada.")
    message: str
    meeting_id: int
    meeting_title: str
    starts_at: datetime
    attended_at: datetime | None
