from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .panels import home_panels


@login_required
def home(request):
    """The home page is the panels the apps registered for this user, in their order."""
    return render(request, "core/home.html", {"panels": home_panels(request)})
