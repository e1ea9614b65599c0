"""Role changes reach the log from every path (Wagtail's user form, Django's admin, the shell):
a role is a group, so a change of a user's groups is a role change. So do changes of an
account's username and email, which say who signs in and where a password reset is sent: a
changed email is how an account is taken over. Bulk updates send no signal; the officer import
records its changes itself (record_account_change).

Each change of memberships is one entry, written in the transaction of the change. A form that
swaps roles removes then adds, so it makes two entries (one "removed", one "added"), each with
the roles the user holds after it. Being given only the Learner role, which every officer has
and which opens nothing in the admin, is not recorded: importing 10,000 officers would
otherwise write 10,000 entries about nothing.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_save

from audit.models import Action
from audit.recorder import record, unit_of

from .roles import LEARNER

UNRECORDED = {LEARNER}


def _record_change(user, added=(), removed=()):
    added, removed = sorted(added), sorted(removed)
    if not (set(added) | set(removed)) - UNRECORDED:
        return
    record(
        None,
        Action.ROLE_CHANGED,
        target=user,
        unit=unit_of(user),
        user=user.get_username(),
        added=added,
        removed=removed,
        roles=sorted(user.groups.values_list("name", flat=True)),
    )


def groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear":
        # The groups about to go: afterwards there is no knowing which they were.
        if reverse:
            instance._audit_cleared = list(instance.user_set.all())
        else:
            instance._audit_cleared = list(instance.groups.values_list("name", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    key = "added" if action == "post_add" else "removed"
    if not reverse:  # user.groups.add(...): one user, some groups
        if action == "post_clear":
            names = instance.__dict__.pop("_audit_cleared", [])
        else:
            names = Group.objects.filter(pk__in=pk_set).values_list("name", flat=True)
        _record_change(instance, **{key: names})
        return
    # group.user_set.add(...): one group, some users
    if action == "post_clear":
        users = instance.__dict__.pop("_audit_cleared", [])
    else:
        users = get_user_model().objects.filter(pk__in=pk_set).select_related("officer__unit")
    for user in users:
        _record_change(user, **{key: [instance.name]})


# What identifies an account and where its password reset goes.
ACCOUNT_FIELDS = ("username", "email")


def record_account_change(user, by=None, **changes):
    """One entry for an account whose fields changed: {field: (before, after)}. `by` is who
    changed it (default: the user of the current request, if any)."""
    changes = {name: [old, new] for name, (old, new) in changes.items() if old != new}
    if not changes:
        return None
    return record(
        by,
        Action.ACCOUNT_CHANGED,
        target=user,
        unit=unit_of(user),
        user=user.get_username(),
        **changes,
    )


def account_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(ACCOUNT_FIELDS):
        return  # e.g. last_login at each sign-in: no query for what cannot have changed
    instance._audit_account_before = (
        sender.objects.filter(pk=instance.pk).values(*ACCOUNT_FIELDS).first()
    )


def account_saved(sender, instance, created, raw=False, **kwargs):
    before = instance.__dict__.pop("_audit_account_before", None)
    if raw or created or before is None:
        return
    record_account_change(
        instance,
        **{name: (before[name], getattr(instance, name)) for name in ACCOUNT_FIELDS},
    )


def connect():
    m2m_changed.connect(
        groups_changed, sender=get_user_model().groups.through, dispatch_uid="audit_groups"
    )
    pre_save.connect(
        account_before_save, sender=get_user_model(), dispatch_uid="audit_account_before"
    )
    post_save.connect(account_saved, sender=get_user_model(), dispatch_uid="audit_account")
