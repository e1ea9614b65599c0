"""Settings for Kỹ năng số, read from the environment in this one file.

Environment variables:
  DEBUG          "1"/"true" for development; off by default. Every yes/no variable takes
                 1/true/yes/on or 0/false/no/off; anything else stops the start-up.
  SECRET_KEY     required when DEBUG is off.
  ALLOWED_HOSTS  comma-separated host names; defaults to localhost when DEBUG is on.
  DATABASE_URL   e.g. postgres://user@host:5432/name; SQLite (db.sqlite3) when unset.
  SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS  production overrides (see below).
  LOGIN_FAILURE_LIMIT, LOGIN_LOCKOUT_MINUTES  login throttling per (username, address): 5, 15.
  TRUSTED_PROXY_COUNT  reverse proxies in front that append to X-Forwarded-For (0: ignore it).
  OTP_REQUIRED_FOR_ADMIN  "1": HR and administrators must use two-factor sign-in (optional).

Operations (built by operations/conf.py; every variable is described in docs/production.md):
  REDIS_URL      e.g. redis://127.0.0.1:6379/0: shared cache (the rate limits count there)
                 and cached sessions; this process's memory when unset (development, tests).
  CACHE_KEY_PREFIX, CACHE_TIMEOUT  ("kns", 300 s).
  MEDIA_ROOT, PRIVATE_ROOT  upload directories on disk (media/ and private/).
  MEDIA_STORAGE  "s3" (or AWS_STORAGE_BUCKET_NAME set) puts media in an S3 bucket:
                 AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME, AWS_S3_CUSTOM_DOMAIN, AWS_LOCATION,
                 AWS_QUERYSTRING_AUTH (on), AWS_QUERYSTRING_EXPIRE, AWS_S3_ADDRESSING_STYLE;
                 keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; MEDIA_URL becomes the
                 bucket's address (or set MEDIA_URL).
  PRIVATE_STORAGE  "s3" puts private files in their own bucket (AWS_PRIVATE_BUCKET_NAME,
                 AWS_PRIVATE_LOCATION), signed links only; PRIVATE_ROOT on disk by default.
  LOG_FORMAT     "json" for one JSON object per line on stdout; "plain" by default.
  LOG_LEVEL      INFO by default.
  HEALTH_QUEUE_MAX_AGE  seconds a ready task may wait before /health/ reports the queue (300).
  BACKUP_ROOT    where `manage.py backup` writes (backups/ in the checkout by default).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from operations import conf as operations_conf

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    """A yes/no variable (1/true/yes/on or 0/false/no/off); a typo stops the start-up."""
    return operations_conf.flag(os.environ, name, default)


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 to develop).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

INSTALLED_APPS = [
    "toolkit",
    "home",
    "security",
    "units",
    "officers",
    "courses",
    "assessments",
    "certification",
    "procedure_system",
    "reports",
    "operations",
    "audit",
    "demo",  # demo and synthetic data, above every other app
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "officers.apps.UsersAppConfig",  # wagtail.users, with our username rules
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "ninja",  # serves the API docs page's Swagger UI locally, not from a CDN
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First, so every log line of the request (and the answer) carries its X-Request-ID.
    "operations.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "security.headers.ContentSecurityPolicyMiddleware",
    "security.headers.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "toolkit.middleware.PreferredLanguageMiddleware",
    # Before any view reads them: NUL bytes and numbers beyond 64 bits get a 400 page.
    "toolkit.input_guard.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "security.middleware.TwoFactorMiddleware",
    # Lets the audit log name who changed a role, whichever form or view changed it.
    "audit.middleware.AuditRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a locked-out login attempt into the lockout page (status 429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "elearning.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "elearning.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the report queries (their correlated subqueries look costly to
    # the planner) for longer than they then take to run: 0.7 s of a 0.9 s query.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite takes one writer at a time. A transaction that reads and then writes (starting a
    # quiz, marking a lesson done) would fail at once with "database is locked" when another
    # wrote meanwhile; taking the write lock when it begins makes it wait its turn instead.
    # Write-ahead logging lets readers go on while one writes: every lesson page records the
    # visit, and in the default rollback journal each of those writes stopped every other page
    # of every worker (lesson pages at 0.54x the home page's throughput under gunicorn, 0.8x with
    # WAL). Backups use SQLite's online backup API, which copies what the log holds too.
    # synchronous stays FULL (SQLite's default): a commit reached the disk before the officer is
    # told it is saved, so not even a power cut loses an answer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first: the default for everyone who has not chosen otherwise.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# Our own catalogue first; then Vietnamese for the Wagtail admin strings that Wagtail's own
# catalogue leaves in English (trainers and HR work in the admin).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "elearning" / "static"]
MEDIA_URL = operations_conf.media_url(os.environ)  # the bucket's address when media is on S3
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Files only their owner may see (e.g. the signed PDFs officers upload for an exercise, which
# carry their certificates): kept outside MEDIA_ROOT so no web server or URL ever serves them.
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", BASE_DIR / "private"))

# Media on disk or in an S3 bucket; private files on disk or in their own private bucket
# (operations/conf.py).
STORAGES = {
    "default": operations_conf.media_storage(os.environ),
    "private": operations_conf.private_storage(os.environ, PRIVATE_ROOT),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Officer imports can be large (10,000 rows); Wagtail's page editor needs many fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# A request body other than files (forms, JSON) beyond this is refused; files are not counted.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Each kind of upload has its own limit, checked with its type (see toolkit/uploads.py).
OFFICER_IMPORT_MAX_BYTES = 20 * 1024 * 1024
# What an officer file may hold, checked while it is read, so that a small file that unpacks
# into millions of rows (an .xlsx is a ZIP) is refused early, in bounded memory and time:
# officer rows (the header aside), columns, and the unpacked size and ratio of an .xlsx's parts.
OFFICER_IMPORT_MAX_ROWS = int(os.environ.get("OFFICER_IMPORT_MAX_ROWS", "20000"))
OFFICER_IMPORT_MAX_COLUMNS = 50
OFFICER_IMPORT_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
OFFICER_IMPORT_MAX_ZIP_RATIO = 100
QUESTION_IMPORT_MAX_BYTES = 20 * 1024 * 1024
# The "Scope:" line of every spreadsheet's title block (toolkit/spreadsheets.py sits below
# the apps, so it is told where to find the user's area).
SPREADSHEET_AREA_LABEL = "officers.roles.area_label"

WAGTAIL_SITE_NAME = "Kỹ năng số"
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea"},
    # Draftail that also opens imported (Moodle) question HTML; see assessments.rich_text.
    "question": {"WIDGET": "assessments.widgets.QuestionDraftail"},
}
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Documents: the content must match the extension (a web page renamed .pdf is refused).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "toolkit.uploads.DocumentForm"
# Images: no SVG (it can carry scripts), no AVIF/HEIC (not every phone browser shows them);
# every image is re-encoded on upload (toolkit/uploads.py).
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel photo; frames count for GIFs
WAGTAIL_PASSWORD_RESET_ENABLED = True
# No avatars from an outside service: privacy, and no requests leaving a closed network.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kynangso@localhost")
# The SMTP relay for password resets (a local MTA on port 25 by default).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: on by default outside development. TLS usually ends at the reverse proxy,
# which must set X-Forwarded-Proto.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views SAMEORIGIN.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page uses, switched off (security/headers.py).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked for LOGIN_LOCKOUT_MINUTES. A commune's officers share
# one public address (NAT), so the address alone is never locked, nor the username alone
# (which would let anyone lock an officer out from anywhere).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner in every management command's output
# The lockout ends when it said it would, even if someone keeps trying meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "security.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "toolkit.client_ip.client_ip"
# Public pages a script could call in a loop (security/rate_limit.py): (requests,
# seconds) per client address, and for password-reset mails also per e-mail address asked
# for. Counted in the default cache: Redis in production, shared by every worker.
RATE_LIMITS = {
    "certificate_verify": (30, 10 * 60),
    "password_reset_address": (10, 60 * 60),
    "password_reset_email": (3, 60 * 60),
}
# How many reverse proxies (nginx, a load balancer) stand in front of gunicorn and append to
# X-Forwarded-For. 0: the header is ignored and the peer address is the client's.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Two-factor sign-in (django-otp), optional for HR and administrators; required when
# OTP_REQUIRED_FOR_ADMIN is on (security/two_factor.py).
OTP_REQUIRED_FOR_ADMIN = env_bool("OTP_REQUIRED_FOR_ADMIN", False)
OTP_TOTP_ISSUER = "Kỹ năng số"
ADMIN_PATH_PREFIXES = ["/admin/", "/django-admin/"]

# Content security policy (django-csp). Learner pages run no inline script or style; the
# nonce is there for a template that truly needs one (`{{ request.csp_nonce }}`). MEDIA_URL's
# origin is added when media lives elsewhere (security/headers.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-src": ["https://www.youtube-nocookie.com"],  # lesson videos
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": ["/security/csp-report/"],
    }
}
# The Wagtail and Django admins and the API's Swagger page write inline scripts and styles
# (wagtail/wagtail#1288): the same limits, except for inline code, and framing by the site
# itself (page previews).
CONTENT_SECURITY_POLICY_ADMIN_PATHS = [*ADMIN_PATH_PREFIXES, "/api/v1/docs"]
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, "'unsafe-inline'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "frame-src": [SELF, "https://www.youtube-nocookie.com"],
        "frame-ancestors": [SELF],
    }
}

# Background work. Wagtail's own small tasks run at once; the platform's deliveries go to a
# database queue (SQLite and PostgreSQL alike) that `manage.py db_worker --backend queue` works
# through. Scale out by running more workers.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "queue": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# An answer that reaches the server this many seconds after a quiz's time limit still counts.
# A lesson's body is the same for every officer: cached (in the shared cache) per page revision
# and language for this long. A new revision shows at once; a quiz or document renamed in the
# bank shows in the lesson within this time.
LESSON_BODY_CACHE_SECONDS = int(os.environ.get("LESSON_BODY_CACHE_SECONDS", "300"))
QUIZ_GRACE_SECONDS = int(os.environ.get("QUIZ_GRACE_SECONDS", "15"))

# A lesson counts as done only after the officer has had it open for a minimum time, measured
# on the server: its words at this (generous) reading speed, plus the length of its videos,
# unless the trainer set a time for the lesson. LESSON_MINIMUM_TIME=0 turns the wait off.
LESSON_MINIMUM_TIME = env_bool("LESSON_MINIMUM_TIME", True)
LESSON_READING_WORDS_PER_MINUTE = int(os.environ.get("LESSON_READING_WORDS_PER_MINUTE", "300"))

# The address officers and the QR codes on certificates use to reach the platform.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# The platform signs certificate PDFs (PAdES) with this key and certificate (PEM files); the
# chain file holds the intermediate and root certificates. `seed_demo` makes a demo CA.
CERTIFICATE_SIGNING_KEY = os.environ.get("CERTIFICATE_SIGNING_KEY", "")
CERTIFICATE_SIGNING_KEY_PASSWORD = os.environ.get("CERTIFICATE_SIGNING_KEY_PASSWORD", "")
CERTIFICATE_SIGNING_CERT = os.environ.get("CERTIFICATE_SIGNING_CERT", "")
CERTIFICATE_SIGNING_CHAIN = os.environ.get("CERTIFICATE_SIGNING_CHAIN", "")
# Validation data embedded in every signed PDF (PAdES B-LT), read from files, never fetched:
# CRLs (PEM or DER) and OCSP responses (DER) for the chain, paths separated by commas.
CERTIFICATE_SIGNING_CRLS = os.environ.get("CERTIFICATE_SIGNING_CRLS", "")
CERTIFICATE_SIGNING_OCSP = os.environ.get("CERTIFICATE_SIGNING_OCSP", "")
# An RFC 3161 time-stamping authority (PAdES B-T): its URL, and the PEM file of the
# certificates above its own (to embed and check them). Empty: no time stamp.
CERTIFICATE_TSA_URL = os.environ.get("CERTIFICATE_TSA_URL", "")
CERTIFICATE_TSA_CHAIN = os.environ.get("CERTIFICATE_TSA_CHAIN", "")

# The receiver that hears every unit's events (procedure_system/delivery.py): POSTed as
# Standard Webhooks signed with this secret, with the version-1 headers for one release.
PROCEDURE_SYSTEM_EVENTS_URL = os.environ.get("PROCEDURE_SYSTEM_EVENTS_URL", "")
PROCEDURE_SYSTEM_SECRET = os.environ.get("PROCEDURE_SYSTEM_SECRET", "")
# The total deadline of one delivery attempt (connecting, sending and reading the answer).
PROCEDURE_SYSTEM_TIMEOUT_SECONDS = float(os.environ.get("PROCEDURE_SYSTEM_TIMEOUT_SECONDS", "10"))
# How long a delivery is retried before it fails, and a receiver without a success is disabled.
PROCEDURE_SYSTEM_RETRY_DAYS = float(os.environ.get("PROCEDURE_SYSTEM_RETRY_DAYS", "3"))

# Plain text or JSON lines on stdout, with each request's id (operations/conf.py).
LOGGING = operations_conf.logging_config(os.environ)

# Cache and sessions: Redis when REDIS_URL is set. Several gunicorn workers need it: the API's
# per-client rate limit (procedure_system/api_auth.py) counts in the default cache, and a
# per-process memory cache would let each worker count on its own.
CACHES = operations_conf.caches(os.environ)
SESSION_ENGINE = operations_conf.session_engine(os.environ)

# /health/ answers a local probe over plain HTTP (TLS ends at the proxy): no HTTPS redirect.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
HEALTH_QUEUE_MAX_AGE = int(os.environ.get("HEALTH_QUEUE_MAX_AGE", "300"))
BACKUP_ROOT = Path(os.environ.get("BACKUP_ROOT", BASE_DIR / "backups"))
