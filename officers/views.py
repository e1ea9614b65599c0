from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import procedure_accounts
from .models import Officer


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_profile(request):
    officer = (
        Officer.objects.select_related("unit__parent", "job_position")
        .filter(user=request.user)
        .first()
    )
    account_form = None
    if officer is not None:
        if request.method == "POST" and "withdraw" in request.POST:
            procedure_accounts.withdraw_request(officer, request.user)
            messages.success(request, _("Your request was withdrawn."))
            return redirect("my_profile")
        if request.method == "POST":
            account_form = procedure_accounts.ProcedureAccountRequestForm(
                request.POST, officer=officer
            )
            if account_form.is_valid():
                account = account_form.cleaned_data["account"]
                procedure_accounts.request_account(officer, account, request.user)
                messages.success(
                    request,
                    _("“%(account)s” was sent to your HR officer for confirmation.")
                    % {"account": account},
                )
                return redirect("my_profile")
        else:
            account_form = procedure_accounts.ProcedureAccountRequestForm(officer=officer)
    return render(
        request,
        "officers/my_profile.html",
        {
            "officer": officer,
            "account_form": account_form,
            "rejection": officer and procedure_accounts.last_rejection(officer),
        },
    )
