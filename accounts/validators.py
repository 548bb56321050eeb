from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def validate_institutional_email(value: str) -> None:
    """Staff and account registration addresses must be institutional (@ine.mx)."""
    domain = settings.INSTITUTIONAL_EMAIL_DOMAIN.lower()
    if not value or not value.lower().endswith("@" + domain) or value.count("@") != 1:
        raise ValidationError(
            _("La dirección %(email)s no es institucional: debe terminar en @%(domain)s."),
            code="not_institutional",
            params={"email": value, "domain": domain},
        )
