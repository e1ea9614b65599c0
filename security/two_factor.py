"""Optional two-factor sign-in (django-otp) for HR and administrators.

A user turns it on with an authenticator app (TOTP) and gets one-time backup codes. From then
on a password alone signs them in only half-way: the session is flagged at login and
TwoFactorMiddleware sends every request to the code page until a code is given.
"""

import base64

from django.conf import settings
from django.db import transaction
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from officers import roles

# Session flags set at login: kept in the session so that ordinary requests cost no query.
NEEDS_CODE = "security.needs_code"
NEEDS_DEVICE = "security.needs_device"

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def may_use_two_factor(user):
    """HR and administrators hold other officers' data: they may (or must) use two factors."""
    return user.is_authenticated and (
        user.is_superuser
        or roles.has_role(user, roles.HR)
        or roles.has_role(user, roles.ADMINISTRATOR)
    )


def has_two_factor(user):
    return user_has_device(user, confirmed=True)


def flag_session_at_login(sender, request, user, **kwargs):
    """user_logged_in receiver: mark the new session as waiting for a code (or a set-up)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if has_two_factor(user):
        session[NEEDS_CODE] = True
    elif settings.OTP_REQUIRED_FOR_ADMIN and may_use_two_factor(user):
        session[NEEDS_DEVICE] = True


def pending_app_device(user):
    """The user's authenticator-app device not yet confirmed, made on first use.

    Kept until confirmed so that reloading the set-up page shows the same secret.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device):
    """The secret as people type it into an app: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirmed_devices(user):
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]


def verify_code(user, code, devices=None):
    """Check `code` (an app code or a backup code); returns (device that accepted it or None,
    throttled).

    Each device throttles wrong codes itself (doubling waits), so guessing is slow; throttled
    is True when the device the code was for refused to check it now. App codes are six
    digits, backup codes eight letters and digits: a code is only tried on its own kind, so a
    backup code does not count as a wrong app code.
    """
    code = "".join((code or "").split()).lower()
    if not code:
        return None, False
    is_app_code = len(code) == 6 and code.isdigit()
    throttled = False
    with transaction.atomic():
        for device in devices if devices is not None else confirmed_devices(user):
            if isinstance(device, TOTPDevice) != is_app_code:
                continue
            device = type(device).objects.select_for_update().get(pk=device.pk)
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                throttled = True
            elif device.verify_token(code):
                return device, False
    return None, throttled


@transaction.atomic
def confirm_app_device(device):
    """Turn two-factor on: the app device is confirmed and fresh backup codes made.

    Returns the backup codes, to be shown once.
    """
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_backup_codes(device.user)


@transaction.atomic
def new_backup_codes(user):
    """Replace the user's backup codes with BACKUP_CODE_COUNT new ones, and return them."""
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    return codes


def backup_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def turn_off(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
