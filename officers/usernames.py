"""Usernames: which are allowed, and when two are the same account name.

An officer reads their username off a slip or hears it on the phone: `Quantri`, a full-width
`ｑｕａｎｔｒｉ` or a `quantrі` with a Cyrillic "і" must not become a second account beside
`quantri`. So a new or changed username is made of Latin letters, digits and . _ - @ + only
(no other script can hide a look-alike letter), and two usernames are the same when they are
equal after Unicode NFKC normalisation and case folding (full-width letters and upper case
fold onto plain lower case). Existing accounts keep their names; look-alikes of them are
refused everywhere an account is created or renamed.
"""

import re
import unicodedata

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

MAX_LENGTH = 150
SAFE = re.compile(r"[A-Za-z0-9._@+-]+")


def canonical(username):
    """The form two usernames are compared in: NFKC, then case-folded."""
    return unicodedata.normalize("NFKC", username or "").casefold()


def check_characters(username):
    """Raise ValidationError unless the username uses the safe characters only."""
    if not username:
        raise ValidationError(_("The username is missing."), code="required")
    if len(username) > MAX_LENGTH:
        raise ValidationError(
            _("A username has at most %(max)d characters.") % {"max": MAX_LENGTH},
            code="max_length",
        )
    if not SAFE.fullmatch(username):
        raise ValidationError(
            _(
                "“%(value)s” is not a valid username: use only Latin letters a–z without "
                "accents, digits and . _ - @ +, without spaces (letters of other scripts and "
                "full-width characters look like Latin ones and are not allowed)."
            )
            % {"value": username},
            code="invalid",
        )


def holders(keys, exclude_pk=None):
    """{canonical name: user} of the existing accounts with these canonical names (one query).

    The database compares lower-cased names, which is the canonical form of every name made
    under these rules; a few names made before them may differ in both and are left out."""
    keys = set(keys)
    users = (
        get_user_model()
        .objects.annotate(_key=Lower("username"))
        .filter(_key__in=keys)
        .select_related("officer__unit")
    )
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    found = {canonical(user.username): user for user in users}
    return {key: user for key, user in found.items() if key in keys}


def holder(username, exclude_pk=None):
    """The existing account whose name is the same as this one, or None."""
    return holders([canonical(username)], exclude_pk).get(canonical(username))


def taken_message(username, existing, visible):
    """Why the name cannot be used: it names the existing account only when the person asking
    may see it (`visible`); otherwise it says only that the name is taken."""
    if not visible:
        return _("The username “%(value)s” is already taken.") % {"value": username}
    if existing.username == username:
        return _("The username “%(value)s” is already taken.") % {"value": username}
    return _(
        "“%(value)s” is the same username as the existing account “%(existing)s” (usernames "
        "are compared ignoring upper and lower case and character width). Choose another."
    ) % {"value": username, "existing": existing.username}


def may_see(user, account):
    """Whether `user` (None: a management command) may be told the name of `account`."""
    from .models import Officer

    if user is None:
        return True
    officer = getattr(account, "officer", None)
    return officer is not None and Officer.objects.visible_to(user).filter(pk=officer.pk).exists()


def validate_new_username(username, for_user=None, exclude_pk=None):
    """Raise ValidationError unless `username` may be given to an account (exclude_pk: the
    account being renamed). `for_user` is who asks, to decide what the message may name."""
    existing = holder(username, exclude_pk)
    if existing is not None:
        raise ValidationError(
            taken_message(username, existing, may_see(for_user, existing)), code="taken"
        )
    check_characters(username)
