from .panels import nav_links


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    links = nav_links(request)
    # Shown on the folded menu's button, so a phone shows there is something new.
    return {"nav_links": links, "nav_badge_total": sum(link.badge for link in links)}
