"""Organs, people, networks, institutional accounts, their administrators and bitácoras.

Invariants live in the database where they can (partial unique constraints, check
constraints); ``clean()`` mirrors them so forms give a friendly Spanish message before
the database would refuse. Every write goes through ``accounts.services``.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import unquote, urlsplit

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.validators import validate_multiline_text, validate_single_line

from .validators import validate_institutional_email


class PositionLevel(models.TextChoices):
    MANDO_SUPERIOR = "mando_superior", _("Mando superior")
    MANDO_MEDIO = "mando_medio", _("Mando medio")
    OPERATIVO = "operativo", _("Personal operativo")


class Entidad(models.Model):
    """One of the 32 federal entities; each has a Junta Local Ejecutiva."""

    code = models.PositiveSmallIntegerField(_("clave"), unique=True)
    name = models.CharField(_("nombre"), max_length=80, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("entidad federativa")
        verbose_name_plural = _("entidades federativas")

    def __str__(self) -> str:
        return self.name


class Organ(models.Model):
    """An órgano responsable that may hold institutional accounts."""

    class Kind(models.TextChoices):
        CENTRAL = "central", _("Oficinas centrales")
        CONSEJERO = "consejero", _("Oficina de consejería electoral")
        JUNTA_LOCAL = "junta_local", _("Junta Local Ejecutiva")
        JUNTA_DISTRITAL = "junta_distrital", _("Junta Distrital Ejecutiva")

    code = models.SlugField(_("clave"), max_length=40, unique=True)
    name = models.CharField(_("nombre"), max_length=200, validators=[validate_single_line])
    acronym = models.CharField(_("siglas"), max_length=20, blank=True, validators=[validate_single_line])
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    entidad = models.ForeignKey(
        Entidad, verbose_name=_("entidad"), null=True, blank=True, on_delete=models.PROTECT, related_name="organs"
    )
    district_number = models.PositiveSmallIntegerField(_("distrito"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("órgano superior"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.OneToOneField(
        "User",
        verbose_name=_("titular del órgano"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_organ",
    )
    is_active = models.BooleanField(_("vigente"), default=True)

    # Who heads an organ decides who administers its accounts: every change is kept.
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "entidad__code", "district_number", "name"]
        verbose_name = _("órgano responsable")
        verbose_name_plural = _("órganos responsables")
        constraints = [
            models.UniqueConstraint(
                fields=["entidad", "district_number"],
                condition=Q(kind="junta_distrital"),
                name="organ_one_junta_per_district",
                violation_error_message=_("Ya existe una junta distrital para ese distrito de esa entidad."),
                violation_error_code="district_junta_repeated",
            ),
            models.UniqueConstraint(
                fields=["entidad"],
                condition=Q(kind="junta_local"),
                name="organ_one_junta_local_per_entidad",
                violation_error_message=_("Ya existe una junta local en esa entidad."),
                violation_error_code="local_junta_repeated",
            ),
            models.CheckConstraint(
                condition=~Q(kind="junta_distrital")
                | (Q(district_number__isnull=False) & Q(entidad__isnull=False) & Q(parent__isnull=False)),
                name="organ_distrital_has_district_and_parent",
                violation_error_message=_(
                    "Una junta distrital debe indicar su entidad, su número de distrito y su junta local."
                ),
                violation_error_code="district_junta_incomplete",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff. The staff profile (organ, level, position) lives here."""

    # Names reach e-mail headers and CSV cells: one line, no control characters.
    first_name = models.CharField(_("nombre"), max_length=150, blank=True, validators=[validate_single_line])
    last_name = models.CharField(_("apellidos"), max_length=150, blank=True, validators=[validate_single_line])
    email = models.EmailField(_("correo institucional"), unique=True, validators=[validate_institutional_email])
    organ = models.ForeignKey(
        Organ,
        verbose_name=_("órgano de adscripción"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    position_level = models.CharField(_("nivel de puesto"), max_length=20, choices=PositionLevel.choices, blank=True)
    job_title = models.CharField(_("cargo"), max_length=200, blank=True, validators=[validate_single_line])

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("persona servidora pública")
        verbose_name_plural = _("personas servidoras públicas")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Network(models.Model):
    """A social network. A catalogue row, so adding a network needs no deployment."""

    code = models.SlugField(_("clave"), max_length=30, unique=True)
    name = models.CharField(_("nombre"), max_length=60, unique=True)
    handle_prefix = models.CharField(_("prefijo del usuario"), max_length=2, blank=True, default="@")
    handle_pattern = models.CharField(
        _("patrón del nombre de usuario"),
        max_length=200,
        help_text=_("Expresión regular que debe cumplir el nombre de usuario, sin el prefijo."),
    )
    handle_help = models.CharField(_("descripción del formato"), max_length=200)
    url_hosts = models.CharField(
        _("dominios válidos"), max_length=300, help_text=_("Dominios separados por comas, p. ej. x.com,twitter.com")
    )
    sort_order = models.PositiveSmallIntegerField(_("orden"), default=100)
    is_active = models.BooleanField(_("vigente"), default=True)
    max_post_length = models.PositiveIntegerField(
        _("caracteres por publicación"),
        null=True,
        blank=True,
        help_text=_("Lo más que admite la red en el texto de una publicación; vacío si no tiene límite conocido."),
    )

    class Cadence(models.IntegerChoices):
        """§6.xx: contents are updated "de acuerdo con la dinámica de la red social utilizada
        (periodicidad diaria o semanal)"; the evaluation compares the longest gap with it."""

        DAILY = 1, _("Diaria")
        WEEKLY = 7, _("Semanal")

    update_cadence_days = models.PositiveSmallIntegerField(
        _("periodicidad de actualización"),
        choices=Cadence.choices,
        default=Cadence.DAILY,
        help_text=_("Cada cuánto se espera que la cuenta publique en esta red (criterio §6.xx)."),
    )

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("red social")
        verbose_name_plural = _("redes sociales")

    def __str__(self) -> str:
        return self.name

    def normalize_handle(self, handle: str) -> str:
        handle = (handle or "").strip()
        if self.handle_prefix and handle.startswith(self.handle_prefix):
            handle = handle[len(self.handle_prefix) :]
        return handle

    def validate_handle(self, handle: str) -> None:
        if not re.fullmatch(self.handle_pattern, self.normalize_handle(handle)):
            raise ValidationError(
                gettext("«%(handle)s» no es un nombre de usuario válido en %(network)s: %(rule)s."),
                code="invalid_handle",
                params={"handle": handle, "network": self.name, "rule": self.handle_help},
            )

    def allowed_hosts(self) -> list[str]:
        return [h.strip().lower() for h in self.url_hosts.split(",") if h.strip()]

    def validate_url(self, url: str) -> None:
        parts = urlsplit(url or "")
        host = (parts.hostname or "").lower()
        ok_host = any(host == h or host.endswith("." + h) for h in self.allowed_hosts())
        if parts.scheme != "https" or not ok_host:
            raise ValidationError(
                gettext("La dirección %(url)s no es de %(network)s: debe empezar con https:// en %(hosts)s."),
                code="invalid_url",
                params={"url": url, "network": self.name, "hosts": ", ".join(self.allowed_hosts())},
            )

    # Where a profile lives, as the path after the host ("{handle}" without its prefix).
    # Networks not listed keep the profile at /{handle}. Kept in code, not in the
    # catalogue row, because it is how the network builds its addresses.
    PROFILE_PATHS: dict[str, tuple[str, ...]] = {
        "youtube": ("@{handle}",),
        "tiktok": ("@{handle}",),
        "threads": ("@{handle}",),
        "whatsapp": ("channel/{handle}",),
        "linkedin": ("company/{handle}", "school/{handle}", "showcase/{handle}", "in/{handle}"),
    }
    # The same profile is served on these subdomains (www.x.com, m.facebook.com, mobile.twitter.com).
    MIRROR_SUBDOMAINS = ("www.", "m.", "mobile.")

    def handle_key(self, handle: str) -> str:
        """How handles compare on this network: normalised, without "@", ignoring case."""
        return self.normalize_handle(handle).lstrip("@").lower()

    def profile_paths(self) -> tuple[str, ...]:
        return self.PROFILE_PATHS.get(self.code, ("{handle}",))

    def profile_url(self, handle: str) -> str:
        """The address of ``handle``'s profile, e.g. https://www.instagram.com/INEJalisco/."""
        path = self.profile_paths()[0]
        hosts = self.allowed_hosts()
        return f"https://www.{hosts[0] if hosts else ''}/{path.format(handle=self.normalize_handle(handle))}/"

    def validate_profile_url(self, url: str, handle: str) -> None:
        """The address must lead to ``handle`` on this network, not to some other profile.

        Tolerates what the platforms tolerate: www./m./mobile., a trailing slash, a query
        string or fragment, letter case, and any of the network's domains (x.com, twitter.com).
        """
        parts = urlsplit((url or "").strip())
        host = (parts.hostname or "").lower()
        for mirror in self.MIRROR_SUBDOMAINS:
            if host.startswith(mirror):
                host = host[len(mirror) :]
                break
        path = unquote(parts.path).strip("/").lower()
        wanted = {p.format(handle=self.handle_key(handle)) for p in self.profile_paths()}
        if parts.scheme != "https" or host not in self.allowed_hosts() or path not in wanted:
            raise ValidationError(
                gettext(
                    "La dirección %(url)s no lleva a %(handle)s en %(network)s; debe ser la de su perfil, "
                    "por ejemplo %(example)s."
                ),
                code="url_not_profile",
                params={
                    "url": url,
                    "handle": f"{self.handle_prefix}{self.normalize_handle(handle)}",
                    "network": self.name,
                    "example": self.profile_url(handle),
                },
            )


# The accounts the approved criteria name as the Institute's official ones: (organ code,
# network code, name, handle, address, purpose). ``catalogue.load_catalogue`` creates them;
# their handles are reserved on every network (``Account.reserved_handle_keys``).
OFFICIAL_ACCOUNTS = [
    (
        "cncs",
        "x",
        "@INEMexico",
        "INEMexico",
        "https://x.com/INEMexico",
        "Cuenta oficial del Instituto Nacional Electoral.",
    ),
    (
        "cncs",
        "facebook",
        "INE México Instituto Nacional Electoral",
        "INEMexico",
        "https://www.facebook.com/INEMexico",
        "Página oficial del Instituto Nacional Electoral.",
    ),
    ("cncs", "youtube", "INETV", "INETV", "https://www.youtube.com/@INETV", "Canal oficial de video del Instituto."),
    (
        "derfe",
        "x",
        "@INEtelMX",
        "INEtelMX",
        "https://x.com/INEtelMX",
        "Atención de dudas sobre módulos de atención ciudadana y credenciales para votar.",
    ),
]


class AccountQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status__in=Account.ENDED_STATUSES)


class Account(models.Model):
    """An institutional social-media account held by an organ."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Solicitada")
        APPROVED = "approved", _("Aprobada")
        ACTIVE = "active", _("Activa")
        COMPROMISED = "compromised", _("Comprometida")
        CLOSED = "closed", _("Cerrada")
        # Transitorio SEGUNDO: an account that existed before the criteria, imported, until
        # its organ complies (then active) or the deadline passes (then reclassified).
        REGULARIZING = "regularizing", _("En regularización")
        RECLASSIFIED = "reclassified", _("Reclasificada como personal")

    class Verification(models.TextChoices):
        NOT_REQUESTED = "not_requested", _("Sin solicitar")
        IN_PROGRESS = "in_progress", _("En trámite")
        VERIFIED = "verified", _("Verificada")
        DENIED = "denied", _("Negada por la plataforma")

    # The only moves an account's status may make; services.change_account_status
    # refuses anything else.
    TRANSITIONS: dict[str, set[str]] = {
        Status.REQUESTED: {Status.APPROVED, Status.CLOSED},
        Status.APPROVED: {Status.ACTIVE, Status.CLOSED},
        Status.ACTIVE: {Status.COMPROMISED, Status.CLOSED},
        # Recovered, a hacked account goes back to what it was: active, or in regularisation.
        Status.COMPROMISED: {Status.ACTIVE, Status.REGULARIZING, Status.CLOSED},
        Status.CLOSED: set(),
        Status.REGULARIZING: {Status.ACTIVE, Status.COMPROMISED, Status.RECLASSIFIED, Status.CLOSED},
        # No longer the Institute's: it comes back only through a new opening request.
        Status.RECLASSIFIED: set(),
    }
    # Accounts that exist on the network and are operated (and verifiable by the public).
    # An account in regularisation is operated too: its organ keeps its bitácora, rotates its
    # password and reports its incidents while it complies; the registry says it is pending.
    OPERATED_STATUSES = (Status.ACTIVE, Status.COMPROMISED, Status.REGULARIZING)
    # No longer the Institute's: nothing more is written to it and its handle is free again.
    ENDED_STATUSES = (Status.CLOSED, Status.RECLASSIFIED)

    organ = models.ForeignKey(
        Organ, verbose_name=_("órgano responsable"), on_delete=models.PROTECT, related_name="accounts"
    )
    network = models.ForeignKey(
        Network, verbose_name=_("red social"), on_delete=models.PROTECT, related_name="accounts"
    )
    name = models.CharField(_("nombre de la cuenta"), max_length=150, validators=[validate_single_line])
    handle = models.CharField(_("nombre de usuario"), max_length=100, blank=True, validators=[validate_single_line])
    url = models.URLField(_("dirección"), max_length=300, blank=True)
    registration_email = models.EmailField(
        _("correo de registro"), blank=True, validators=[validate_institutional_email]
    )
    purpose = models.TextField(
        _("propósito"),
        help_text=_("Vinculado a los programas y actividades del órgano."),
        validators=[validate_multiline_text],
    )
    status = models.CharField(_("estado"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    verification_status = models.CharField(
        _("verificación con la plataforma"),
        max_length=20,
        choices=Verification.choices,
        default=Verification.NOT_REQUESTED,
    )
    is_official = models.BooleanField(_("cuenta oficial del Instituto"), default=False)
    is_consejero_personal = models.BooleanField(_("cuenta personal de consejería publicitada"), default=False)
    attention_hours = models.CharField(
        _("horario de atención"), max_length=200, blank=True, validators=[validate_single_line]
    )
    activated_at = models.DateTimeField(_("activada"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cerrada"), null=True, blank=True)
    last_password_rotation_at = models.DateTimeField(_("último cambio de contraseña"), null=True, blank=True)
    password_rotation_due_on = models.DateField(_("próximo cambio de contraseña"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("última actividad"), null=True, blank=True)
    flagged_abandoned_at = models.DateTimeField(_("marcada como posiblemente abandonada"), null=True, blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificada"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["organ__name", "network__sort_order", "name"]
        verbose_name = _("cuenta institucional")
        verbose_name_plural = _("cuentas institucionales")
        constraints = [
            models.UniqueConstraint(
                Lower("handle"),
                "network",
                condition=~Q(handle="") & ~Q(status__in=["closed", "reclassified"]),
                name="account_unique_live_handle_per_network",
                violation_error_message=_("Ya existe una cuenta vigente con ese nombre de usuario en esa red."),
                violation_error_code="handle_taken",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "password_rotation_due_on"], name="account_status_pwd_due"),
            # The public lookup asks by handle whatever the status, closed accounts included,
            # which the partial unique constraint above cannot serve.
            models.Index(Lower("handle"), "network", name="account_handle_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.display_handle or self.name} ({self.network})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # No longer the identity as loaded (see from_db): the next clean checks everything.
        self._loaded_identity = None

    @property
    def display_handle(self) -> str:
        return f"{self.network.handle_prefix}{self.handle}" if self.handle else ""

    @property
    def is_live(self) -> bool:
        return self.status not in self.ENDED_STATUSES

    @property
    def is_operated(self) -> bool:
        return self.status in self.OPERATED_STATUSES

    @property
    def existed_since(self) -> datetime:
        """The earliest moment the account is known to exist; nothing happened to it before.

        ``created_at`` is when it was recorded here: for an account born of a request, before
        it existed on the network. An account that already existed when it was registered
        carries its real ``activated_at``, earlier than its record, so the earlier of the two.
        """
        return min(filter(None, (self.created_at, self.activated_at)))

    # --- Identity: what the public lookup (/verificar/) vouches for -------------------------

    @staticmethod
    def reserved_handle_keys() -> frozenset[str]:
        """The handles of the Institute's official accounts: reserved on every network."""
        return frozenset(handle.lstrip("@").lower() for _o, _n, _name, handle, _url, _p in OFFICIAL_ACCOUNTS)

    @classmethod
    def validate_handle_not_reserved(cls, network: Network, handle: str) -> None:
        if network.handle_key(handle) in cls.reserved_handle_keys():
            raise ValidationError(
                gettext(
                    "«%(handle)s» es el nombre de usuario de una cuenta oficial del Instituto: está reservado "
                    "en todas las redes sociales."
                ),
                code="reserved_handle",
                params={"handle": network.normalize_handle(handle)},
            )

    def identity_errors(self) -> dict[str, list[str]]:
        """What is wrong with the identity the public lookup vouches for, by field, in Spanish.

        An operated account has a handle and an address; each has the network's format; only
        an official account holds an official handle; the address leads to the handle. A closed
        account holds nothing and is never shown to the public, so only the format is checked.
        """
        errors: dict[str, list[str]] = {}
        if self.is_operated:
            for field in ("handle", "url"):
                if not getattr(self, field):
                    errors[field] = [gettext("Una cuenta activa debe tener este dato.")]
        if not self.network_id:
            return errors
        for field, check in (("handle", self.network.validate_handle), ("url", self.network.validate_url)):
            value = getattr(self, field)
            if value:
                try:
                    check(value)
                except ValidationError as exc:
                    errors.setdefault(field, []).extend(exc.messages)
        if errors or not self.is_live or not self.handle:
            return errors
        if not self.is_official:
            try:
                self.validate_handle_not_reserved(self.network, self.handle)
            except ValidationError as exc:
                errors["handle"] = exc.messages
        if self.url:
            try:
                self.network.validate_profile_url(self.url, self.handle)
            except ValidationError as exc:
                errors["url"] = exc.messages
        return errors

    # The identity as loaded from the database (``from_db``), so that ``clean`` holds an
    # account to the identity rule only when its identity changes or it starts to be operated:
    # an account stored before the rule, or broken by a catalogue change, can still be reported
    # hacked, closed or given new attention hours (``check_account_identities`` lists them).
    _IDENTITY_ATTNAMES = ("network_id", "handle", "url")

    @classmethod
    def from_db(cls, db, field_names, values):
        account = super().from_db(db, field_names, values)
        loaded = dict(zip(field_names, values, strict=True))
        account._loaded_identity = {name: loaded.get(name) for name in (*cls._IDENTITY_ATTNAMES, "status")}
        return account

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._loaded_identity = None

    def identity_is_changing(self) -> bool:
        """A new account, a changed network, handle or address, or one that starts being operated
        (which is when the public lookup starts vouching for it)."""
        loaded = getattr(self, "_loaded_identity", None)
        if self._state.adding or loaded is None:
            return True
        if any(loaded[name] != getattr(self, name) for name in self._IDENTITY_ATTNAMES):
            return True
        return self.is_operated and loaded["status"] not in self.OPERATED_STATUSES

    def clean(self) -> None:
        if self.network_id:
            self.handle = self.network.normalize_handle(self.handle)
        if self.identity_is_changing():
            errors = self.identity_errors()
            if errors:
                raise ValidationError(errors)


class AccountStatusChange(models.Model):
    """Audit of every status transition: who, when, from → to, and why."""

    account = models.ForeignKey(
        Account, verbose_name=_("cuenta"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("de"), max_length=20, choices=Account.Status.choices)
    to_status = models.CharField(_("a"), max_length=20, choices=Account.Status.choices)
    changed_by = models.ForeignKey(User, verbose_name=_("por"), null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("cuándo"), default=timezone.now)
    comment = models.TextField(_("comentario"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("cambio de estado de cuenta")
        verbose_name_plural = _("cambios de estado de cuenta")

    def __str__(self) -> str:
        return f"{self.account}: {self.from_status} → {self.to_status}"


class Designation(models.Model):
    """An administrator designation (§5.1): one current titular and one suplente per organ."""

    class Role(models.TextChoices):
        TITULAR = "titular", _("Administrador titular")
        SUPLENTE = "suplente", _("Administrador suplente")

    # §5.1: the titular is mando medio or superior; the suplente mando medio or operativo.
    ALLOWED_LEVELS: dict[str, set[str]] = {
        Role.TITULAR: {PositionLevel.MANDO_SUPERIOR, PositionLevel.MANDO_MEDIO},
        Role.SUPLENTE: {PositionLevel.MANDO_MEDIO, PositionLevel.OPERATIVO},
    }

    organ = models.ForeignKey(Organ, verbose_name=_("órgano"), on_delete=models.PROTECT, related_name="designations")
    user = models.ForeignKey(User, verbose_name=_("persona"), on_delete=models.PROTECT, related_name="designations")
    role = models.CharField(_("función"), max_length=10, choices=Role.choices)
    starts_at = models.DateTimeField(_("desde"), default=timezone.now)
    ends_at = models.DateTimeField(_("hasta"), null=True, blank=True)
    oficio_number = models.CharField(
        _("número de oficio"), max_length=60, blank=True, validators=[validate_single_line]
    )
    designated_by = models.ForeignKey(
        User, verbose_name=_("designó"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        User, verbose_name=_("concluyó"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["organ__name", "role", "-starts_at"]
        verbose_name = _("designación de administrador")
        verbose_name_plural = _("designaciones de administradores")
        constraints = [
            models.UniqueConstraint(
                fields=["organ", "role"],
                condition=Q(ends_at__isnull=True),
                name="designation_one_current_per_role",
                violation_error_message=_("El órgano ya tiene un administrador vigente con esa función."),
                violation_error_code="role_taken",
            ),
            models.UniqueConstraint(
                fields=["organ", "user"],
                condition=Q(ends_at__isnull=True),
                name="designation_one_current_role_per_person",
                violation_error_message=_("Una misma persona no puede ser titular y suplente a la vez."),
                violation_error_code="person_has_role",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="designation_ends_after_start",
                violation_error_message=_("La fecha de término no puede ser anterior a la de inicio."),
                violation_error_code="designation_ends_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user} ({self.organ})"

    @classmethod
    def check_eligible(cls, organ: Organ, role: str, user: User) -> None:
        """The level and membership rules of §5.1, in one place."""
        if not user.is_active:
            raise ValidationError(gettext("%(person)s no está activo en el sistema."), params={"person": user})
        if user.organ_id != organ.pk:
            raise ValidationError(
                gettext("%(person)s no pertenece a %(organ)s; solo su propio personal puede administrar sus cuentas."),
                code="other_organ",
                params={"person": user, "organ": organ},
            )
        if organ.head_id is not None and organ.head_id == user.pk:
            # §5.1 names the head and the two administrators apart: the head designates them.
            raise ValidationError(
                gettext(
                    "%(person)s es titular de %(organ)s: quien encabeza el órgano designa a sus administradores "
                    "y no puede ser uno de ellos (§5.1)."
                ),
                code="organ_head",
                params={"person": user, "organ": organ},
            )
        if user.position_level not in cls.ALLOWED_LEVELS[role]:
            allowed = ", ".join(str(PositionLevel(level).label) for level in sorted(cls.ALLOWED_LEVELS[role]))
            raise ValidationError(
                gettext("El %(role)s debe ser de nivel %(allowed)s; %(person)s es %(level)s."),
                code="wrong_level",
                params={
                    "role": cls.Role(role).label.lower(),
                    "allowed": allowed.lower(),
                    "person": user,
                    "level": (user.get_position_level_display() or gettext("sin nivel registrado")).lower(),
                },
            )


class LogEntryQuerySet(models.QuerySet):
    """The bitácora is append-only: bulk edits and deletes are refused too."""

    def update(self, **kwargs):
        raise PermissionError(gettext("La bitácora no se puede modificar; registre una corrección."))

    def delete(self):
        raise PermissionError(gettext("La bitácora no se puede borrar; registre una corrección."))


class LogEntry(models.Model):
    """A bitácora entry (§8.iii). A correction is a new entry pointing at the old one."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("Publicación")
        REPLY = "reply", _("Respuesta a una persona usuaria")
        INFO_REQUEST = "info_request", _("Solicitud de información atendida")
        CONTENT_CHANGE = "content_change", _("Contenido actualizado o retirado")
        PASSWORD_ROTATED = "password_rotated", _("Cambio de contraseña")
        INCIDENT = "incident", _("Incidente")
        HOLIDAY_MONITORING = "holiday_monitoring", _("Monitoreo en periodo vacacional")
        CORRECTION = "correction", _("Corrección de un registro anterior")
        OTHER = "other", _("Otro")

    account = models.ForeignKey(Account, verbose_name=_("cuenta"), on_delete=models.PROTECT, related_name="log_entries")
    author = models.ForeignKey(User, verbose_name=_("registró"), on_delete=models.PROTECT, related_name="log_entries")
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("fecha del hecho"), default=timezone.now)
    text = models.TextField(_("descripción"), validators=[validate_multiline_text])
    link = models.URLField(_("enlace"), max_length=500, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrige a"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("entrada de bitácora")
        verbose_name_plural = _("bitácora")
        indexes = [models.Index(fields=["account", "-occurred_at"], name="logentry_account_occurred")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.account}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(gettext("La bitácora no se puede modificar; registre una corrección."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(gettext("La bitácora no se puede borrar; registre una corrección."))


class OutOfOfficePeriod(models.Model):
    """Holidays and non-working days (§5.1): published attention hours and who monitors."""

    account = models.ForeignKey(
        Account, verbose_name=_("cuenta"), on_delete=models.CASCADE, related_name="out_of_office"
    )
    starts_on = models.DateField(_("desde"))
    ends_on = models.DateField(_("hasta"))
    reason = models.CharField(_("motivo"), max_length=200, validators=[validate_single_line])
    attention_hours = models.CharField(
        _("horario de atención publicado"), max_length=200, validators=[validate_single_line]
    )
    monitor = models.ForeignKey(User, verbose_name=_("quién monitorea"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, verbose_name=_("registró"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    # How every list shows periods: by date, the earliest first.
    DATE_ORDER = ("starts_on", "ends_on", "id")

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("periodo vacacional o inhábil")
        verbose_name_plural = _("periodos vacacionales o inhábiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="outofoffice_ends_after_start",
                violation_error_message=_("La fecha final no puede ser anterior a la inicial."),
                violation_error_code="ends_before_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.starts_on} – {self.ends_on}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": gettext("La fecha final no puede ser anterior a la inicial.")})


class PasswordRotation(models.Model):
    """An attestation that an account's password was changed (bimonthly, approved rule).

    The system never receives nor stores a social-network password: only who changed it,
    when, and their statement that the new one follows the policy (§5.2.g).
    """

    account = models.ForeignKey(
        Account, verbose_name=_("cuenta"), on_delete=models.CASCADE, related_name="password_rotations"
    )
    rotated_by = models.ForeignKey(User, verbose_name=_("quién la cambió"), on_delete=models.PROTECT, related_name="+")
    rotated_at = models.DateTimeField(_("cuándo"), default=timezone.now)
    meets_policy = models.BooleanField(
        _("la nueva contraseña cumple la política"),
        help_text=_(
            "Al menos 12 caracteres con mayúsculas, minúsculas, números y símbolos, distinta de las anteriores."
        ),
    )
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    class Meta:
        ordering = ["-rotated_at"]
        verbose_name = _("cambio de contraseña")
        verbose_name_plural = _("cambios de contraseña")
        constraints = [
            models.CheckConstraint(
                condition=Q(meets_policy=True),
                name="rotation_attests_policy",
                violation_error_message=_("Confirme que la nueva contraseña cumple la política de contraseñas."),
                violation_error_code="policy_not_attested",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} — {self.rotated_at:%Y-%m-%d}"


class PasswordReminder(models.Model):
    """One password-rotation reminder: sent once per account, due date and stage.

    ``stage`` is the day the reminder belongs to, counted from the due date: -7 (the week
    before), 0 (the due date), then 1, 8, 15, … while overdue (``accounts.rotation``). The
    unique constraint is the claim: the sweep inserts the row and notifies only for the
    rows it inserted itself.
    """

    account = models.ForeignKey(
        Account, verbose_name=_("cuenta"), on_delete=models.CASCADE, related_name="password_reminders"
    )
    due_on = models.DateField(_("fecha de vencimiento"))
    stage = models.SmallIntegerField(_("días respecto del vencimiento"))
    sent_at = models.DateTimeField(_("enviado"), default=timezone.now)
    recipients = models.PositiveSmallIntegerField(_("destinatarios"), default=0)
    claim_token = models.UUIDField(_("envío que lo reclamó"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("recordatorio de cambio de contraseña")
        verbose_name_plural = _("recordatorios de cambio de contraseña")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "due_on", "stage"],
                name="password_reminder_once_per_stage",
                violation_error_message=_("Ese recordatorio de cambio de contraseña ya se envió."),
                violation_error_code="password_reminder_repeated",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} — {self.due_on} ({self.stage:+d})"
