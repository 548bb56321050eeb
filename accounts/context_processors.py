from . import access
from .notifications import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_unread_count": unread_count(user),
        "nav_is_cncs": access.is_cncs(user),
        "nav_sees_all": access.sees_all_accounts(user),
        "nav_can_see_coverage": access.can_see_coverage(user),
        "nav_headed_organ_id": access.headed_organ_id(user),
        "nav_has_organ": bool(access.organ_ids_of(user)),
    }
