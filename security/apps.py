from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    label = "security"
    verbose_name = "Security"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from . import lockout, two_factor

        user_logged_in.connect(two_factor.flag_session_at_login, dispatch_uid="security.two_factor")
        user_locked_out.connect(lockout.record_lockout, dispatch_uid="security.audit_lockout")
