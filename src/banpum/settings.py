"""Django settings, read from environment variables with safe defaults.

Every variable is documented in README.md. The embedded default needs nothing: SQLite under
``./var/``, a generated secret key, Korean UI in Asia/Seoul.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from banpum.core.keyfiles import private_file_read_or_create

# Django's generic classes take their type arguments at run time too (ModelAdmin[Store]).
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("BANPUM_VAR_DIR", "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key_from_file(path: Path) -> str:
    """The key kept in ``path``, generated into it on first use, readable by its owner only.

    ``core.keyfiles`` creates it so that processes starting together on a fresh install all
    get the same complete key and the file is never readable by others, even for a moment.
    """
    key = private_file_read_or_create(path, lambda: secrets.token_urlsafe(50))
    if not key:
        raise ImproperlyConfigured(f"{path} is empty: delete it to generate a new secret key")
    return key


def _secret_key() -> str:
    """Use BANPUM_SECRET_KEY, else a key generated once and kept in the var directory."""
    if key := os.environ.get("BANPUM_SECRET_KEY"):
        return key
    return secret_key_from_file(VAR_DIR / "secret_key")


SECRET_KEY = _secret_key()
DEBUG = _env_bool("BANPUM_DEBUG")
ALLOWED_HOSTS = _env_list("BANPUM_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = _env_list("BANPUM_CSRF_TRUSTED_ORIGINS", "")

# Production behind HTTPS (README, "Production"). BANPUM_HTTPS=1 says the site is served over
# HTTPS only: plain HTTP is redirected and cookies are sent over HTTPS only. HSTS is a promise
# browsers remember for its whole duration, so it is never implied: set its seconds yourself.
_HTTPS = _env_bool("BANPUM_HTTPS")
SECURE_SSL_REDIRECT = _env_bool("BANPUM_SSL_REDIRECT", _HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = _env_bool(
    "BANPUM_SECURE_COOKIES", _HTTPS
)
SECURE_HSTS_SECONDS = int(os.environ.get("BANPUM_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("BANPUM_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _env_bool("BANPUM_HSTS_PRELOAD")


def _proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """``X-Forwarded-Proto`` -> Django's (``HTTP_X_FORWARDED_PROTO``, ``https``).

    Opt-in only: trusting the header is right only when a proxy always sets it and strips what
    clients send, otherwise anyone could claim HTTPS.
    """
    if not name.strip():
        return None
    return "HTTP_" + name.strip().upper().replace("-", "_"), "https"


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(os.environ.get("BANPUM_PROXY_SSL_HEADER", ""))

INSTALLED_APPS = [
    "banpum.accounts.admin_apps.SuperuserAdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Serves Swagger UI from its own static files, not a CDN: the docs work offline.
    "ninja",
    "banpum.core",
    "banpum.server",  # the composition: `serve`, `demo`, `worker`, `simulate-carrier`
    "banpum.accounts",
    "banpum.commerce",
    "banpum.policy",
    "banpum.returns",
    "banpum.logistics",
    "banpum.warehouse",
    "banpum.settlement",
    "banpum.webhooks",  # merchants' webhook subscriptions and their deliveries
    "banpum.feedback",  # the shoppers' survey after a return
    "banpum.notify",  # messages to shoppers and staff: email, SMS, KakaoTalk 알림톡
    "banpum.insights",  # summaries, dashboards, loss and aging, problem products
    "banpum.office",  # the staff screens at /office/
    "banpum.portal",  # the shoppers' self-service returns at /portal/<store>/
    "django_htmx",
    "django_tables2",
    "django_filters",
    "axes",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "banpum.core.middleware.JsonApiErrorsMiddleware",
    "banpum.core.middleware.RefuseNulCharactersMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with its lockout page.
    "axes.middleware.AxesMiddleware",
]

# Logins (the office's and the admin's) are rate-limited by django-axes: after
# BANPUM_LOGIN_FAILURE_LIMIT failures for one username from one address, that pair is locked
# out for BANPUM_LOGIN_COOLOFF_MINUTES. API keys are not passwords and are not counted.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("BANPUM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("BANPUM_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "office/locked_out.html"
# Not a banner on every command: a lockout is still logged.
AXES_VERBOSE = False
# The connection's own address: a client could forge X-Forwarded-For. Behind a proxy that is
# the proxy's address, so the lockout then counts per username only in effect.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# A strict content security policy on every page: scripts, styles, fonts and images from this
# site only, no inline script or style, no framing. The office's htmx is vendored, not a CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
LOGIN_URL = "office:login"
LOGIN_REDIRECT_URL = "office:home"

ROOT_URLCONF = "banpum.urls"
WSGI_APPLICATION = "banpum.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'banpum.sqlite3'}"),
        conn_max_age=int(os.environ.get("BANPUM_DB_CONN_MAX_AGE", "60")),
    )
}
# Lets several test runs share a machine without sharing a test database.
_TEST_DB_SUFFIX = os.environ.get("BANPUM_TEST_DB_SUFFIX", "")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock at BEGIN, so two writers queue instead of
    # both reading a row and one failing on upgrade; WAL lets readers run beside the writer.
    # Banpum's backend queues the writers of a process in arrival order before that lock
    # (SQLite's busy handler polls, letting newcomers overtake long waiters).
    DATABASES["default"]["ENGINE"] = "banpum.core.db.sqlite"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not shared-cache memory: there SQLite fails lock waits at once instead of
    # honouring the timeout, and the concurrency tests need real waits.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test{_TEST_DB_SUFFIX}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}{_TEST_DB_SUFFIX}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("BANPUM_LANGUAGE", "ko")
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("BANPUM_TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Inspection photos are private: kept under the var directory, never under a served URL, and
# read only through the store-scoped API (GET /api/v1/warehouse/photos/{id}).
INSPECTION_PHOTOS_DIR = Path(
    os.environ.get("BANPUM_INSPECTION_PHOTOS_DIR", str(VAR_DIR / "photos"))
).resolve()
# Shoppers' photos of a return (a defect, a damaged parcel) are private too: read by staff
# only. The size and pixel limits are the inspection photos'.
RETURN_PHOTOS_DIR = Path(
    os.environ.get("BANPUM_RETURN_PHOTOS_DIR", str(VAR_DIR / "return-photos"))
).resolve()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "inspection_photos": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(INSPECTION_PHOTOS_DIR)},
    },
    "return_photos": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(RETURN_PHOTOS_DIR)},
    },
}
BANPUM_INSPECTION_PHOTO_MAX_BYTES = int(
    os.environ.get("BANPUM_INSPECTION_PHOTO_MAX_BYTES", str(10 * 1024 * 1024))
)
# Decoded size limit: a 50-megapixel phone photo passes; a decompression bomb does not.
BANPUM_INSPECTION_PHOTO_MAX_PIXELS = int(
    os.environ.get("BANPUM_INSPECTION_PHOTO_MAX_PIXELS", str(64_000_000))
)
# Photos a shopper sent for a return they never opened are deleted after this many hours.
BANPUM_RETURN_PHOTO_UNSENT_HOURS = int(os.environ.get("BANPUM_RETURN_PHOTO_UNSENT_HOURS", "48"))
# The personal-data access log (office.PersonalDataAccess) is kept this long; the
# `access_log_purge` command deletes older rows and refuses anything under a year.
BANPUM_ACCESS_LOG_RETENTION_DAYS = int(os.environ.get("BANPUM_ACCESS_LOG_RETENTION_DAYS", "1095"))
# Serve app static files (the admin's) straight from the packages: no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "banpum.core.logging.StderrHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BANPUM_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per carrier call and per job is noise at INFO; failures still show.
        "httpx": {"level": "WARNING"},
        "huey": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

# Background jobs (Huey). Embedded default: a SQLite queue file beside the database, run by a
# worker thread inside `banpum serve`. Scale-out: BANPUM_REDIS_URL and `banpum worker` processes
# on as many machines as needed.
REDIS_URL = os.environ.get("BANPUM_REDIS_URL", "")
HUEY: dict[str, object] = {
    "name": os.environ.get("BANPUM_JOBS_NAME", "banpum"),
    "immediate": _env_bool("BANPUM_JOBS_IMMEDIATE"),
    "utc": True,
    "consumer": {
        "workers": int(os.environ.get("BANPUM_WORKERS", "2")),
        "worker_type": "thread",
        "periodic": True,
        "check_worker_health": True,
        # Poll an idle queue at least once a second: a booking starts within a second.
        "max_delay": 1.0,
    },
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
    # Shared by every web process: the portal's lookup limits count across all of them.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    HUEY |= {
        "huey_class": "huey.SqliteHuey",
        "filename": os.environ.get("BANPUM_JOBS_FILE", str(VAR_DIR / "jobs.sqlite3")),
    }

# The portal's order lookup (order number + phone or email), limited per client address and
# per order number so that neither numbers nor phones can be found by trying (django-ratelimit:
# "<count>/<s|m|h|d>"). Counted in the default cache: the embedded server's memory, or Redis
# with BANPUM_REDIS_URL (several processes share it). A found order stays open in the
# shopper's session for BANPUM_PORTAL_SESSION_MINUTES; signed links for BANPUM_PORTAL_LINK_DAYS.
BANPUM_PORTAL_LOOKUPS_PER_ADDRESS = os.environ.get("BANPUM_PORTAL_LOOKUPS_PER_ADDRESS", "30/h")
BANPUM_PORTAL_LOOKUPS_PER_ORDER = os.environ.get("BANPUM_PORTAL_LOOKUPS_PER_ORDER", "10/h")
BANPUM_PORTAL_SESSION_MINUTES = int(os.environ.get("BANPUM_PORTAL_SESSION_MINUTES", "60"))
BANPUM_PORTAL_LINK_DAYS = int(os.environ.get("BANPUM_PORTAL_LINK_DAYS", "30"))

# The carrier simulator `banpum serve` runs beside the app (BANPUM_SIMULATOR=0 to turn off),
# and the address carriers call back (webhooks) — the server's own address by default.
BANPUM_SIMULATOR = _env_bool("BANPUM_SIMULATOR", True)
BANPUM_SIMULATOR_PORT = int(os.environ.get("BANPUM_SIMULATOR_PORT", "8010"))
BANPUM_SIMULATOR_SPEED = float(os.environ.get("BANPUM_SIMULATOR_SPEED", "600"))
BANPUM_PUBLIC_URL = os.environ.get("BANPUM_PUBLIC_URL", "")
# tracker.delivery (https://tracker.delivery) tracks parcels of carriers without an API of ours:
# forward shipments (their delivery starts the legal return window) and hand-entered waybills.
BANPUM_TRACKER_DELIVERY_CLIENT_ID = os.environ.get("BANPUM_TRACKER_DELIVERY_CLIENT_ID", "")
BANPUM_TRACKER_DELIVERY_CLIENT_SECRET = os.environ.get("BANPUM_TRACKER_DELIVERY_CLIENT_SECRET", "")
BANPUM_TRACKER_DELIVERY_URL = os.environ.get(
    "BANPUM_TRACKER_DELIVERY_URL", "https://apis.tracker.delivery/graphql"
)
# How long a carrier API call may take before it counts as a (retryable) timeout.
BANPUM_CARRIER_TIMEOUT_SECONDS = float(os.environ.get("BANPUM_CARRIER_TIMEOUT_SECONDS", "5"))

# The payment simulator (Toss Payments' API, with faults) `banpum serve` runs beside the app
# when BANPUM_SIMULATOR is on and BANPUM_PAYMENTS_SIMULATOR_URL is not set; the URL is where a
# store's simulated payment gateway is reached (set it to use a `banpum simulate-payments`
# running elsewhere, and serve starts none). Its client is
# `TossPayments(BANPUM_PAYMENTS_SIMULATOR_SECRET_KEY, base_url=BANPUM_PAYMENTS_SIMULATOR_URL)`.
BANPUM_PAYMENTS_SIMULATOR_PORT = int(os.environ.get("BANPUM_PAYMENTS_SIMULATOR_PORT", "8020"))
BANPUM_PAYMENTS_SIMULATOR_EXTERNAL = bool(os.environ.get("BANPUM_PAYMENTS_SIMULATOR_URL"))
BANPUM_PAYMENTS_SIMULATOR_URL = os.environ.get(
    "BANPUM_PAYMENTS_SIMULATOR_URL", f"http://127.0.0.1:{BANPUM_PAYMENTS_SIMULATOR_PORT}"
)
BANPUM_PAYMENTS_SIMULATOR_SECRET_KEY = os.environ.get(
    "BANPUM_PAYMENTS_SIMULATOR_SECRET_KEY", "test_sk_banpum_simulator"
)
# How long a payment gateway call may take before it counts as a (retryable) timeout; a cancel
# that timed out may have landed (PaymentUnavailable.maybe_applied).
BANPUM_PAYMENTS_TIMEOUT_SECONDS = float(os.environ.get("BANPUM_PAYMENTS_TIMEOUT_SECONDS", "10"))
# The messaging simulator (Solapi's SMS/LMS/KakaoTalk 알림톡 API, with delivery reports and
# faults) `banpum serve` runs beside the app when BANPUM_SIMULATOR is on and
# BANPUM_MESSAGES_SIMULATOR_URL is not set; the URL is where simulated SMS and 알림톡 are sent
# (set it to use a `banpum simulate-messages` running elsewhere, and serve starts none). Its
# client is `SolapiMessaging(BANPUM_MESSAGES_SIMULATOR_API_KEY, …_API_SECRET, …_PF_ID,
# base_url=BANPUM_MESSAGES_SIMULATOR_URL)`.
BANPUM_MESSAGES_SIMULATOR_PORT = int(os.environ.get("BANPUM_MESSAGES_SIMULATOR_PORT", "8030"))
BANPUM_MESSAGES_SIMULATOR_EXTERNAL = bool(os.environ.get("BANPUM_MESSAGES_SIMULATOR_URL"))
BANPUM_MESSAGES_SIMULATOR_URL = os.environ.get(
    "BANPUM_MESSAGES_SIMULATOR_URL", f"http://127.0.0.1:{BANPUM_MESSAGES_SIMULATOR_PORT}"
)
BANPUM_MESSAGES_SIMULATOR_API_KEY = os.environ.get(
    "BANPUM_MESSAGES_SIMULATOR_API_KEY", "NCSBANPUMSIMULATOR"
)
BANPUM_MESSAGES_SIMULATOR_API_SECRET = os.environ.get(
    "BANPUM_MESSAGES_SIMULATOR_API_SECRET", "banpum-messages-simulator-secret"
)
BANPUM_MESSAGES_SIMULATOR_PF_ID = os.environ.get(
    "BANPUM_MESSAGES_SIMULATOR_PF_ID", "KA01PF_BANPUM_SIMULATOR"
)
# How long the simulator takes to report a message delivered (or failed).
BANPUM_MESSAGES_SIMULATOR_REPORT_DELAY_SECONDS = float(
    os.environ.get("BANPUM_MESSAGES_SIMULATOR_REPORT_DELAY_SECONDS", "2")
)
# How long an SMS/알림톡 provider call may take before it counts as a (retryable) timeout; a send
# that timed out may have gone out (MessagingError.maybe_sent).
BANPUM_MESSAGES_TIMEOUT_SECONDS = float(os.environ.get("BANPUM_MESSAGES_TIMEOUT_SECONDS", "10"))
# Interest owed on a refund paid after its legal due date, in basis points a year: 1500 is the
# 15 % of the Korean e-commerce act's enforcement decree (§21-3).
BANPUM_REFUND_DELAY_INTEREST_RATE_BP = int(
    os.environ.get("BANPUM_REFUND_DELAY_INTEREST_RATE_BP", "1500")
)

# Email to shoppers and staff (banpum.notify) goes by SMTP. The embedded default is the local
# catcher `banpum serve` starts on 127.0.0.1:8025 (`banpum catch-mail`), which keeps each message
# as a .eml file under <var>/mail/; point EMAIL_HOST/EMAIL_PORT (and the user, password, TLS) at
# a real SMTP server to send for real. SMS and 알림톡 go from BANPUM_NOTIFY_SENDER_PHONE (a number
# registered with the provider) unless a store sets its own.
EMAIL_BACKEND = os.environ.get(
    "BANPUM_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("BANPUM_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("BANPUM_EMAIL_PORT", "8025"))
EMAIL_HOST_USER = os.environ.get("BANPUM_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("BANPUM_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("BANPUM_EMAIL_USE_TLS")
EMAIL_TIMEOUT = int(os.environ.get("BANPUM_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("BANPUM_DEFAULT_FROM_EMAIL", "Banpum <no-reply@banpum.local>")
BANPUM_MAIL_CATCHER = _env_bool("BANPUM_MAIL_CATCHER", True)
BANPUM_NOTIFY_SENDER_PHONE = os.environ.get("BANPUM_NOTIFY_SENDER_PHONE", "0215880000")

# Merchant webhooks (banpum.webhooks): subscriber URLs must resolve to public addresses; set
# BANPUM_WEBHOOKS_ALLOW_PRIVATE=1 to allow private, loopback and link-local ones (a receiver
# on this machine or the office network; the tests' receiver on 127.0.0.1). Each delivery
# waits BANPUM_WEBHOOKS_TIMEOUT_SECONDS for an answer (Standard Webhooks: 15 to 30 s).
BANPUM_WEBHOOKS_ALLOW_PRIVATE = _env_bool("BANPUM_WEBHOOKS_ALLOW_PRIVATE")
# Problem products: a SKU is compared with its category only once it sold this many units in
# the range, so one return of a rarely sold SKU flags nothing.
BANPUM_INSIGHTS_MIN_ORDERS = int(os.environ.get("BANPUM_INSIGHTS_MIN_ORDERS", "30"))
# The demo's webhook receiver (`banpum serve` runs it when the demo subscribed it).
BANPUM_WEBHOOK_RECEIVER_PORT = int(os.environ.get("BANPUM_WEBHOOK_RECEIVER_PORT", "8040"))
BANPUM_WEBHOOKS_TIMEOUT_SECONDS = float(os.environ.get("BANPUM_WEBHOOKS_TIMEOUT_SECONDS", "15"))

# Banpum's own knobs.
# Encryption at rest of small secrets (refund account numbers), see core.crypto: a base64
# 256-bit key, else one generated into <var>/field_key; old keys still decrypt (rotation).
BANPUM_FIELD_KEY = os.environ.get("BANPUM_FIELD_KEY", "")
BANPUM_FIELD_KEYS_OLD = _env_list("BANPUM_FIELD_KEYS_OLD", "")
BANPUM_API_BULK_MAX = int(os.environ.get("BANPUM_API_BULK_MAX", "500"))
# The request body limit follows the bulk limit: a real order of 18 lines is 4.5-5.3 KB of
# compact JSON and 7.2 KB indented (measured); 16 KiB per order leaves room for long names and
# addresses. Larger bodies get a JSON 413 naming the limit.
BANPUM_API_BYTES_PER_ORDER = 16 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = BANPUM_API_BULK_MAX * BANPUM_API_BYTES_PER_ORDER
