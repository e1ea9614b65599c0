"""One-time activation codes: how an officer without email gets their first password.

HR (of the officer's unit or a unit above it, or an administrator) issues a code and prints the
slip or reads the code out; the officer enters their username and the code on the public
activation page and chooses a password (Django's password validators apply). A code:

- is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B), shown as
  two groups of four, easy to read aloud;
- is kept only as a hash (Django's password hashers), and shown once, on the slip;
- works once, for ACTIVATION_CODE_DAYS days (14 by default);
- is voided by issuing a new one, and after MAX_FAILED_ATTEMPTS wrong tries (8 characters from
  23 give 78 billion codes: 5 tries per code make guessing hopeless);
- is written to the audit log when issued and when used.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

import audit
from audit.models import Action
from audit.recorder import unit_of

from .models import ActivationCode, Officer

ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
LENGTH = 8
MAX_FAILED_ATTEMPTS = 5


def validity():
    return dt.timedelta(days=getattr(settings, "ACTIVATION_CODE_DAYS", 14))


def normalize(code):
    """What the officer typed, as stored: upper case, without spaces or dashes."""
    return "".join(code.split()).replace("-", "").upper()


def display(code):
    return f"{code[:4]}-{code[4:]}"


def may_issue(user, officer):
    """HR of the officer's area (not for staff accounts: see roles.privileged) and admins."""
    return (
        user.has_perm("officers.change_officer")
        and Officer.objects.manageable_by(user).filter(pk=officer.pk).exists()
    )


@transaction.atomic
def issue(officer, by):
    """A new code for the officer's account, replacing any earlier one; the plain code."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    now = timezone.now()
    ActivationCode.objects.update_or_create(
        user=officer.user,
        defaults={
            "code_hash": make_password(code),
            "issued_by": by,
            "issued_at": now,
            "expires_at": now + validity(),
            "failed_attempts": 0,
        },
    )
    audit.record(
        by,
        Action.ACTIVATION_CODE_ISSUED,
        target=officer.user,
        unit=officer.unit,
        user=officer.user.get_username(),
        expires=(now + validity()).isoformat(),
    )
    return code


def code_for(username):
    """The live code of this username's account, or None."""
    return (
        ActivationCode.objects.select_related("user__officer__unit")
        .select_for_update(of=("self",))  # the officer (an outer join) is only read
        .filter(user__username=username, user__is_active=True, expires_at__gt=timezone.now())
        .first()
    )


def check(username, code):
    """The account whose live code this is, or None. A wrong code counts against it; the
    last allowed wrong try voids it. Runs in a transaction of its own (a refusal is kept)."""
    with transaction.atomic():
        found = code_for(username)
        if found is None:
            make_password(code)  # the same time as a real check: no telling accounts apart
            return None
        if check_password(normalize(code), found.code_hash):
            return found.user
        found.failed_attempts += 1
        if found.failed_attempts >= MAX_FAILED_ATTEMPTS:
            found.delete()
        else:
            found.save(update_fields=["failed_attempts"])
        return None


@transaction.atomic
def activate(user, password):
    """Set the chosen password and use the code up."""
    user.set_password(password)
    user.save(update_fields=["password"])
    ActivationCode.objects.filter(user=user).delete()
    audit.record(
        user, Action.ACCOUNT_ACTIVATED, target=user, unit=unit_of(user), user=user.get_username()
    )
