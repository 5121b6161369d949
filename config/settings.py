"""Sori's settings: every deployment choice read from the environment.

This file sets up the site (Django, the database, Redis and Celery, accounts,
languages, static files, mail, security, logging); ``config/app_settings.py`` holds
what Sori's own apps read, and every setting there is one here too. The README has a
table of every variable read in the two. Bad values stop start-up with a message
naming the variable (see ``lib/env.py``).
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

# What Sori's own apps read (petitions, letters, donations, updates, embeds, "my data",
# retention, the API) and their periodic work: config/app_settings.py.
from config.app_settings import *  # noqa: F403
from lib.env import (
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_database_url,
    parse_redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
# Without a key in production the settings still load, so that commands which need
# none (migrate, makemigrations --check) run; but Sori does not start: wsgi.py (and so
# runserver and gunicorn), asgi.py and the Celery worker refuse with a clear message
# (lib.env.refuse_without_secret_key), and check --deploy reports it (config/checks.py).
SECRET_KEY_MISSING = not SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Absolute address of the site, used in mail sent by background tasks (no request).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "Sori")
ORGANISATION_NAME = env_str("ORGANISATION_NAME", "Sori Human Rights Network")
ORGANISATION_ADDRESS = env_str(
    "ORGANISATION_ADDRESS", "1 Example Street\nLondon N1 1AA\nUnited Kingdom"
)
ORGANISATION_EMAIL = env_str("ORGANISATION_EMAIL", "info@sori.example")

INSTALLED_APPS = [
    "config.apps.SoriAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_countries",
    "outbox",
    "accounts",
    "campaigns",
    "petitions",
    "letters",
    "donations",
    # The OSDI API and webhooks (api/): Django REST framework, described by drf-spectacular.
    "rest_framework",
    "drf_spectacular",
    "api",
    # Updates to supporters (updates/): above the action apps, which never import it.
    "updates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Cached anonymous petition pages and count.json, before the rest of the stack
    # (PETITIONS_FASTPATH, just below, can take it out).
    "petitions.hotpath.fastpath.PetitionFastPathMiddleware",
    # Cached anonymous home and campaign pages, likewise (lib/pagecache.py).
    "lib.pagecache.PageCacheMiddleware",
    # Cached embed pages for other sites' frames, likewise (lib/embedcache.py).
    "lib.embedcache.EmbedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Korean readers see Korea's time (lib/i18n.py, LANGUAGE_TIME_ZONES).
    "lib.i18n.LanguageTimeZoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Cache-Control: no-store on pages with personal data (config/middleware.py).
    "config.middleware.PrivatePagesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An unreachable database answers 503 "try again", keeping a POST's fields.
    "config.outage.DatabaseOutageMiddleware",
]
# Off: the petition fast path is taken out of MIDDLEWARE, and cached petition pages go
# through the whole stack like any other (`make bench ARGS=pages` shows what it buys).
PETITIONS_FASTPATH = env_bool("PETITIONS_FASTPATH", True)
if not PETITIONS_FASTPATH:
    MIDDLEWARE = [name for name in MIDDLEWARE if not name.endswith(".PetitionFastPathMiddleware")]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
            # lib is not an app: its template filters are registered by name.
            "libraries": {
                "korean": "lib.templatetags.korean",
                "languages": "lib.templatetags.languages",
            },
        },
    },
]

# Database. SQLite runs in WAL mode with IMMEDIATE transactions: a writer takes the
# lock when its transaction starts instead of failing half-way with "database is
# locked", and readers never block writers.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA busy_timeout=20000;"
    ),
}
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": parse_database_url(DATABASE_URL)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "sori.sqlite3"}
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].pop("CONN_HEALTH_CHECKS", None)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: shared cache (rate limits, counters, sessions stay in the database) and the
# Celery broker. Without it the cache is per process and Celery runs tasks inline.
REDIS_URL = env_str("REDIS_URL")
# How long one cache call waits to connect to Redis or for its answer.
REDIS_CACHE_TIMEOUT_MS = env_int("REDIS_CACHE_TIMEOUT_MS", 250)
if REDIS_URL:
    parse_redis_url(REDIS_URL)
    CACHES = {
        "default": {
            # Django's backend, reusing one redis-py client per pool (see lib/cache.py).
            "BACKEND": "lib.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "sori"),
            # An unreachable Redis degrades to misses and per-process counters (see
            # lib/cache.py, "Bad days"); short timeouts keep a dead one cheap per call.
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CACHE_TIMEOUT_MS / 1000,
                "socket_timeout": REDIS_CACHE_TIMEOUT_MS / 1000,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# kombu's Redis transport with the one fault of an outage that stopped the worker
# mended (lib/broker.py).
if REDIS_URL:
    CELERY_BROKER_TRANSPORT = "lib.broker:Transport"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
# Several sites (or a benchmark) can share one Redis, each with its own queue.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = True
# Work survives a killed worker: a task is acknowledged only when it finished
# (ACKS_LATE), and one whose worker process died (OOM, SIGKILL) goes back on the queue
# (REJECT_ON_WORKER_LOST). Redis redelivers an unacknowledged task after the visibility
# timeout, so it must exceed the longest task (PDF packs, print batches): one hour.
# Redelivered tasks are harmless: outbox messages run once by their row.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker keeps its database connection across tasks, as gunicorn does across requests
# (config.celery); Celery's fixup still closes it every 500 tasks.
CELERY_DB_REUSE_MAX = 500
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Handing a task to a broker that is down fails at once, after one immediate retry on a
# fresh connection (the first try after Redis restarts meets a dead pooled one): the
# work is not lost (the outbox and the signing sweep hand it over later), and Celery's
# default of four tries 0.2 s apart kept every sign POST 0.6 s longer during a Redis
# outage (`make cluster-test`).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
}

# Accounts.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:activity"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Rate limits live in the cache, so they hold across workers only with REDIS_URL set.
ACCOUNT_RATE_LIMITS = {
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "confirm_email": "1/3m/key",
    "request_login_code": "20/m/ip,3/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# allauth asks for the password again before MFA is switched on or off unless the
# person proved who they are within this window. allauth 65 counts only its own "confirm
# it's you" step, so accounts.adapter counts the sign-in too: a manager sent from signing
# in to setting up MFA is not asked for the password typed a moment before. Ten minutes
# leave time to install an authenticator app and scan its code; after that, or at a desk
# left signed in, the password is asked again.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 10 * 60
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Internationalisation.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
# Readers of a language see times in its zone; the rest see TIME_ZONE (lib/i18n.py).
LANGUAGE_TIME_ZONES = {"ko": "Asia/Seoul"}
# One date format per language on pages, in mail and in PDFs: "2026년 12월 2일",
# "2 December 2026" (config/formats/<language>/formats.py; Django's for the rest).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
COUNTRIES_FIRST = ["KR"]
# django-countries' Korean catalogue names these two wrongly; ours has the right names.
COUNTRIES_OVERRIDE = {"SC": _("Seychelles"), "KY": _("Cayman Islands")}

# Static files are served by whitenoise; uploads go to the default storage.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
# Without a manifest (development, tests) whitenoise serves files straight from
# STATICFILES_DIRS; production runs collectstatic and serves hashed, compressed files.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Outgoing mail (Django 6.1 mailers). In development every message is written to
# var/mail/ as an .eml file and listed at /dev/mail/.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@sori.example>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
DEV_MAIL_DIR = Path(env_str("DEV_MAIL_DIR") or VAR_DIR / "mail")
MAIL_BACKEND = env_str("MAIL_BACKEND", "dev" if DEBUG else "smtp")
if MAIL_BACKEND == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("SMTP_HOST", "localhost"),
                "port": env_int("SMTP_PORT", 587),
                "username": env_str("SMTP_USER") or None,
                "password": env_str("SMTP_PASSWORD") or None,
                "use_tls": env_bool("SMTP_STARTTLS", True),
                "timeout": 20,
            },
        }
    }
elif MAIL_BACKEND == "dev":
    MAILERS = {
        "default": {
            "BACKEND": "lib.mail.DevMailboxBackend",
            "OPTIONS": {"directory": str(DEV_MAIL_DIR)},
        }
    }
elif MAIL_BACKEND == "console":
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    raise ImproperlyConfigured(f"MAIL_BACKEND must be smtp, dev or console; got {MAIL_BACKEND!r}.")
# The development mailbox page at /dev/mail/ exists only while this is on.
DEV_MAILBOX = env_bool("DEV_MAILBOX", DEBUG and MAIL_BACKEND == "dev")

# Security. HTTPS is assumed in production; set HTTPS=0 only behind a trusted
# terminating proxy that does its own redirect, or on a private network.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# /healthz?full=1 (database, cache, broker, waiting sign forms) for staff, or for a
# monitor sending "Authorization: Bearer <HEALTHZ_TOKEN>". Unset: staff only.
HEALTHZ_TOKEN = env_str("HEALTHZ_TOKEN")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 60 * 60 * 24 * 365) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preload is opt-in: once browsers ship the domain in their preload list, every
# subdomain must serve HTTPS for months even after the header is gone. Leaving it off
# is a choice, so check --deploy does not warn about it (security.W021).
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# A strict policy: scripts, styles, fonts and images come from this origin only; no
# inline script or style anywhere. The QR code of the authenticator set-up is a data:
# image, so images also allow data:.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Hashing IP addresses: the salt makes a hash useless outside this installation.
IP_HASH_SALT = env_str("IP_HASH_SALT") or SECRET_KEY
# A form without a valid CSRF token (the sign form above all) gets a page that says
# nothing was saved and how to try again.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.security.DisallowedHost": {"level": "ERROR"},
        # WeasyPrint logs every layout step at INFO; keep warnings and errors only.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The apps' settings that follow from the site's (config/app_settings.py has the rest).
# Letter PDFs and print batches are personal data, so they live in a private storage
# with no URL: views check access and stream them.
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(Path(env_str("PRIVATE_FILES_DIR") or VAR_DIR / "private"))},
}
# Updates to supporters: unsubscribing by mail goes here.
UPDATES_UNSUBSCRIBE_EMAIL = env_str("UPDATES_UNSUBSCRIBE_EMAIL", ORGANISATION_EMAIL)
# Webhook destinations must be HTTPS (on by default wherever the site is) and may not
# resolve to private, loopback or link-local addresses unless this is on.
WEBHOOKS_REQUIRE_HTTPS = env_bool("WEBHOOKS_REQUIRE_HTTPS", HTTPS)
# The OSDI API (api/): Django REST framework, described by drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.rendering.handle_exception",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API (OSDI, Action Network's dialect)",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "PREPROCESSING_HOOKS": ["api.openapi.only_api"],
    # Row ids in paths (api.urls' "id" converter).
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.openapi.add_components",
    ],
}
