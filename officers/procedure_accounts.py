"""An officer's account in the procedure system: proposed by the officer, confirmed by HR.

The officer types the account on their profile page; it waits in `procedure_account_requested`
until HR of their unit confirms it (it then becomes `procedure_account`, which the procedure
system reads) or rejects it. Accounts HR sets directly, in the officer form or an import, are
confirmed already. Every step is written to the officer's history; the officer sees why the
last request was rejected.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from .models import Officer

REQUESTED = "officers.procedure_account_requested"
WITHDRAWN = "officers.procedure_account_withdrawn"
CONFIRMED = "officers.procedure_account_confirmed"
REJECTED = "officers.procedure_account_rejected"
ACTIONS = [REQUESTED, WITHDRAWN, CONFIRMED, REJECTED]

ACCOUNT_MAX_LENGTH = Officer._meta.get_field("procedure_account").max_length
REASON_MAX_LENGTH = 300


class AccountTaken(Exception):
    """Another officer holds the account already."""


class RequestChanged(Exception):
    """The officer's request is no longer the one HR looked at."""


class ProcedureAccountRequestForm(forms.Form):
    """The officer's proposal, held to the rules of Officer.procedure_account."""

    account = forms.CharField(
        label=gettext_lazy("Your procedure-system account"),
        max_length=ACCOUNT_MAX_LENGTH,
        help_text=gettext_lazy(
            "The account you use in the provincial administrative-procedure (one-stop shop) "
            "system. Your HR officer confirms it before it is linked to your certificates."
        ),
    )

    def __init__(self, *args, officer, **kwargs):
        super().__init__(*args, **kwargs)
        self.officer = officer

    def clean_account(self):
        account = self.cleaned_data["account"]
        if account == self.officer.procedure_account:
            raise forms.ValidationError(_("This account is already linked to your profile."))
        if taken_by_another(self.officer, account):
            raise forms.ValidationError(
                _(
                    "This account is already linked to another officer. If it is yours, ask "
                    "your HR officer to check."
                )
            )
        return account


def taken_by_another(officer, account):
    return Officer.objects.exclude(pk=officer.pk).filter(procedure_account=account).exists()


def _save(officer, *fields, confirmed_account=False):
    officer.save(update_fields=[*fields, "updated_at"], confirmed_account=confirmed_account)


def request_account(officer, account, user):
    officer.procedure_account_requested = account
    _save(officer, "procedure_account_requested")
    log(instance=officer, action=REQUESTED, user=user, data={"account": account})


def withdraw_request(officer, user):
    account = officer.procedure_account_requested
    if not account:
        return
    officer.procedure_account_requested = ""
    _save(officer, "procedure_account_requested")
    log(instance=officer, action=WITHDRAWN, user=user, data={"account": account})


@transaction.atomic
def confirm_request(officer, account, user):
    """Link the requested account, if it is still `account` and nobody else holds it."""
    # NO KEY: rows that point to the officer (its feed event, log entries) need not wait.
    officer = Officer.objects.select_for_update(no_key=True).get(pk=officer.pk)
    if not account or officer.procedure_account_requested != account:
        raise RequestChanged
    if taken_by_another(officer, account):
        raise AccountTaken
    officer.procedure_account = account
    officer.procedure_account_requested = ""
    try:
        with transaction.atomic():
            _save(
                officer,
                "procedure_account",
                "procedure_account_requested",
                confirmed_account=True,
            )
    except IntegrityError as error:  # taken by a concurrent confirmation or import
        raise AccountTaken from error
    log(instance=officer, action=CONFIRMED, user=user, data={"account": account})
    return officer


@transaction.atomic
def reject_request(officer, account, user, reason=""):
    officer = Officer.objects.select_for_update(no_key=True).get(pk=officer.pk)
    if not account or officer.procedure_account_requested != account:
        raise RequestChanged
    officer.procedure_account_requested = ""
    _save(officer, "procedure_account_requested")
    log(
        instance=officer,
        action=REJECTED,
        user=user,
        data={"account": account, "reason": reason},
    )
    return officer


def last_rejection(officer):
    """The log entry of the officer's last request when HR rejected it, else None."""
    if officer.procedure_account_requested:
        return None
    entry = (
        ModelLogEntry.objects.for_instance(officer)
        .filter(action__in=ACTIONS)
        .order_by("-timestamp", "-pk")
        .first()
    )
    return entry if entry and entry.action == REJECTED else None


def register_log_actions(actions):
    """Labels for the officer's history in the admin."""
    actions.register_action(
        REQUESTED,
        gettext_lazy("Request procedure-system account"),
        gettext_lazy("Procedure-system account requested"),
    )
    actions.register_action(
        WITHDRAWN,
        gettext_lazy("Withdraw procedure-system account request"),
        gettext_lazy("Procedure-system account request withdrawn"),
    )
    actions.register_action(
        CONFIRMED,
        gettext_lazy("Confirm procedure-system account"),
        gettext_lazy("Procedure-system account confirmed"),
    )
    actions.register_action(
        REJECTED,
        gettext_lazy("Reject procedure-system account"),
        gettext_lazy("Procedure-system account rejected"),
    )


# --- HR: the list of accounts awaiting confirmation ---------------------------------------


def awaiting_confirmation(user):
    """Officers the user may change whose proposed account awaits confirmation."""
    return (
        Officer.objects.manageable_by(user)
        .exclude(procedure_account_requested="")
        .select_related("unit__parent", "user")
        .order_by("unit__code", "sort_key", "pk")
    )


class PendingAccountsView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_required = "officers.change_officer"
    raise_exception = True
    page_title = gettext_lazy("Procedure-system accounts awaiting confirmation")
    header_icon = "key"
    template_name = "officers/admin/procedure_accounts.html"
    per_page = 50

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        page = Paginator(awaiting_confirmation(self.request.user), self.per_page).get_page(
            self.request.GET.get("p")
        )
        return {
            **super().get_context_data(**kwargs),
            "page_obj": page,
            "officers": page.object_list,
            "reason_max_length": REASON_MAX_LENGTH,
        }


def _decide(request, pk, decision):
    if not request.user.has_perm("officers.change_officer"):
        raise PermissionDenied
    officer = Officer.objects.manageable_by(request.user).filter(pk=pk).first()
    if officer is None:
        raise Http404
    account = request.POST.get("account", "")
    try:
        decision(officer, account)
    except RequestChanged:
        messages.warning(
            request,
            _(
                "%(officer)s has changed or withdrawn the request since the list was shown. "
                "Check it again."
            )
            % {"officer": officer.full_name},
        )
    except AccountTaken:
        messages.error(
            request,
            _(
                "“%(account)s” is already linked to another officer, so it cannot be confirmed "
                "for %(officer)s. Reject the request, or correct the other officer first."
            )
            % {"account": account, "officer": officer.full_name},
        )
    return redirect("procedure_accounts_pending")


@require_POST
def confirm_view(request, pk):
    def confirm(officer, account):
        confirm_request(officer, account, request.user)
        messages.success(
            request,
            _("“%(account)s” is now the procedure-system account of %(officer)s.")
            % {"account": account, "officer": officer.full_name},
        )

    return _decide(request, pk, confirm)


@require_POST
def reject_view(request, pk):
    reason = " ".join(request.POST.get("reason", "").split())[:REASON_MAX_LENGTH]

    def reject(officer, account):
        reject_request(officer, account, request.user, reason)
        messages.success(
            request,
            _("The request of %(officer)s for “%(account)s” was rejected.")
            % {"account": account, "officer": officer.full_name},
        )

    return _decide(request, pk, reject)


def admin_urls():
    return [
        path(
            "officers/procedure-accounts/",
            PendingAccountsView.as_view(),
            name="procedure_accounts_pending",
        ),
        path(
            "officers/procedure-accounts/<int:pk>/confirm/",
            confirm_view,
            name="procedure_account_confirm",
        ),
        path(
            "officers/procedure-accounts/<int:pk>/reject/",
            reject_view,
            name="procedure_account_reject",
        ),
    ]
