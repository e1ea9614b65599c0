from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Officer


@login_required
def my_profile(request):
    officer = (
        Officer.objects.select_related("unit__parent", "job_position")
        .filter(user=request.user)
        .first()
    )
    return render(request, "officers/my_profile.html", {"officer": officer})
