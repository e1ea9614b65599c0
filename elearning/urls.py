from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views import account as wagtail_account
from wagtail.documents import urls as wagtaildocs_urls

from officers import activation_views
from officers import views as officer_views
from procedure_system.api import api as procedure_api
from reports import site_history
from security.rate_limit import password_reset_limited

urlpatterns = [
    # Monitoring: database, cache and task queue (/health/), process up (/health/live/).
    path("health/", include("operations.urls")),
    path("django-admin/", admin.site.urls),
    # Wagtail's site history, limited to whom it is for (reports/site_history.py): served at the
    # report's own address, ahead of Wagtail's.
    path("admin/reports/", include(site_history.urls())),
    # Both password-reset forms send mail: limited per address and per e-mail asked for.
    path(
        "admin/password_reset/",
        password_reset_limited(wagtail_account.PasswordResetView.as_view()),
        name="wagtailadmin_password_reset",
    ),
    path(
        "accounts/password_reset/",
        password_reset_limited(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/profile/", officer_views.my_profile, name="my_profile"),
    # A first password with the one-time code HR hands an officer without email.
    path("accounts/activate/", activation_views.activate_account, name="activate_account"),
    # Two-factor code page, CSP violation reports.
    path("", include("security.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("courses.urls")),
    path("", include("assessments.urls")),
    path("", include("certification.urls")),
    # The procedure system's pull API (OpenAPI schema at /api/v1/openapi.json).
    path("api/v1/", procedure_api.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    from toolkit.media import serve_media

    # Uploaded files in development, never as a page of the site (nginx does the same).
    urlpatterns += static(settings.MEDIA_URL, serve_media, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# A request body over DATA_UPLOAD_MAX_MEMORY_SIZE gets the "too large" page, as from nginx.
handler400 = "elearning.errors.bad_request"
