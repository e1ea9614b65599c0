"""Production settings built from environment variables: cache, sessions, file storage, logs.

Pure functions of an environment mapping (no Django import), called from elearning/settings.py
and tested with made-up environments. Every variable read here is listed in docs/production.md.
"""

from pathlib import Path

# The words a yes/no variable accepts, in any case. Anything else is refused: a typo ("ture",
# "yes please") read as "no" would silently turn off HTTPS redirects or two-factor sign-in.
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def flag(env, name, default):
    """The yes/no variable `name` of `env`; `default` when it is unset or empty.

    Raises ValueError naming the variable and the accepted words for any other value.
    """
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValueError(
        f"{name} must be one of {', '.join(TRUE_WORDS)} (yes) or {', '.join(FALSE_WORDS)} (no),"
        f" not {env[name]!r}."
    )


def _int(env, name, default):
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}.") from None


# --- Cache and sessions ---------------------------------------------------------------------


def caches(env):
    """Redis when REDIS_URL is set, else this process's memory (development and tests).

    Several gunicorn workers (or machines) must share one cache: the API's per-client rate
    limit counts requests in the default cache, and sessions are cached there.
    """
    url = env.get("REDIS_URL", "").strip()
    timeout = _int(env, "CACHE_TIMEOUT", 300)
    if not url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "TIMEOUT": timeout,
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            # One Redis may serve several sites (or a test and a production copy).
            "KEY_PREFIX": env.get("CACHE_KEY_PREFIX", "kns").strip() or "kns",
            "TIMEOUT": timeout,
            "OPTIONS": {
                # A Redis that does not answer must fail a request quickly (and the health
                # check), not hang a gunicorn worker until its timeout.
                "socket_connect_timeout": 2,
                "socket_timeout": 2,
                "health_check_interval": 30,
            },
        }
    }


def session_engine(env):
    """Sessions read from the cache and written through to the database: Redis spares the
    database a query per request, and a Redis restart logs nobody out."""
    if env.get("REDIS_URL", "").strip():
        return "django.contrib.sessions.backends.cached_db"
    return "django.contrib.sessions.backends.db"


# --- File storage ---------------------------------------------------------------------------

S3_BACKEND = "storages.backends.s3.S3Storage"
DISK_BACKEND = "django.core.files.storage.FileSystemStorage"


def _s3_common(env):
    """Connection options shared by the public and private buckets. Keys are not copied into
    settings: django-storages reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the
    environment itself."""
    options = {
        # An upload with an existing name gets a new name, as on disk; never overwrites.
        "file_overwrite": False,
        # The bucket's own policy decides; no per-object ACL (many S3-compatible stores
        # refuse them).
        "default_acl": None,
    }
    for option, name in (
        ("endpoint_url", "AWS_S3_ENDPOINT_URL"),
        ("region_name", "AWS_S3_REGION_NAME"),
        ("addressing_style", "AWS_S3_ADDRESSING_STYLE"),
    ):
        value = env.get(name, "").strip()
        if value:
            options[option] = value
    return options


def media_storage(env):
    """The default storage (images, documents, videos trainers upload): MEDIA_ROOT on disk, or
    an S3 bucket when MEDIA_STORAGE=s3 or AWS_STORAGE_BUCKET_NAME is set."""
    kind = env.get("MEDIA_STORAGE", "").strip().lower()
    bucket = env.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if kind not in {"", "disk", "s3"}:
        raise ValueError(f"MEDIA_STORAGE must be 'disk' or 's3', not {kind!r}.")
    if kind == "disk" or (kind == "" and not bucket):
        return {"BACKEND": DISK_BACKEND}
    if not bucket:
        raise ValueError("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    options = {
        **_s3_common(env),
        "bucket_name": bucket,
        "location": env.get("AWS_LOCATION", "media").strip(),
        # Signed, expiring links unless the bucket is public and says so; a custom domain
        # (a CDN in front of a public bucket) serves unsigned links.
        "querystring_auth": flag(env, "AWS_QUERYSTRING_AUTH", True),
        "querystring_expire": _int(env, "AWS_QUERYSTRING_EXPIRE", 3600),
    }
    custom_domain = env.get("AWS_S3_CUSTOM_DOMAIN", "").strip()
    if custom_domain:
        options["custom_domain"] = custom_domain
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def media_url(env):
    """Where browsers fetch media from: /media/ on disk; the bucket's address on S3, so the
    content security policy (security/headers.py) can allow that origin. MEDIA_URL
    in the environment overrides the guess (a provider with another URL scheme)."""
    explicit = env.get("MEDIA_URL", "").strip()
    if explicit:
        return explicit if explicit.endswith("/") else explicit + "/"
    storage = media_storage(env)
    if storage["BACKEND"] != S3_BACKEND:
        return "/media/"
    options = storage["OPTIONS"]
    location = options["location"].strip("/")
    suffix = f"/{location}/" if location else "/"
    if options.get("custom_domain"):
        return f"https://{options['custom_domain']}{suffix}"
    if options.get("endpoint_url"):
        return f"{options['endpoint_url'].rstrip('/')}/{options['bucket_name']}{suffix}"
    region = options.get("region_name")
    host = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
    return f"https://{options['bucket_name']}.{host}{suffix}"


def private_storage(env, private_root):
    """Files only their owner may download, through a view that checks (signed PDFs,
    certificates): PRIVATE_ROOT on disk, or a separate private bucket when PRIVATE_STORAGE=s3.

    Never a public URL: on S3 every link is signed and short-lived, there is no custom
    domain, and the objects sit in their own bucket, never the media bucket.
    """
    kind = env.get("PRIVATE_STORAGE", "").strip().lower()
    if kind not in {"", "disk", "s3"}:
        raise ValueError(f"PRIVATE_STORAGE must be 'disk' or 's3', not {kind!r}.")
    if kind != "s3":
        return {"BACKEND": DISK_BACKEND, "OPTIONS": {"location": Path(private_root)}}
    bucket = env.get("AWS_PRIVATE_BUCKET_NAME", "").strip()
    if not bucket:
        raise ValueError("PRIVATE_STORAGE=s3 needs AWS_PRIVATE_BUCKET_NAME.")
    if bucket == env.get("AWS_STORAGE_BUCKET_NAME", "").strip():
        raise ValueError(
            "AWS_PRIVATE_BUCKET_NAME must differ from AWS_STORAGE_BUCKET_NAME: "
            "private files never share the media bucket."
        )
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            **_s3_common(env),
            "bucket_name": bucket,
            "location": env.get("AWS_PRIVATE_LOCATION", "private").strip(),
            "querystring_auth": True,
            "querystring_expire": 300,
            "custom_domain": None,
        },
    }


# --- Logs -----------------------------------------------------------------------------------


def logging_config(env):
    """One line per record: plain text on stderr (as Django's default, so a command's own
    output on stdout stays clean), or with LOG_FORMAT=json one JSON object per line on stdout,
    for a log collector (journald keeps both)."""
    log_format = env.get("LOG_FORMAT", "plain").strip().lower() or "plain"
    if log_format not in {"plain", "json"}:
        raise ValueError(f"LOG_FORMAT must be 'plain' or 'json', not {log_format!r}.")
    level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "operations.logging.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "operations.logging.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout" if log_format == "json" else "ext://sys.stderr",
                "filters": ["request_id"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Wagtail runs its reference-index updates as tasks; one INFO line per saved
            # object is noise.
            "django_tasks": {"level": "WARNING"},
            # pyHanko logs a traceback for every tampered PDF a learner uploads; the learner
            # gets the explanation, the log needs none of it.
            "pyhanko": {"level": "ERROR"},
            "pyhanko_certvalidator": {"level": "ERROR"},
        },
    }
