"""Settings for the buttock nerve pain training platform.

One file, configured from environment variables. With no variables at all it runs the
quick start: DEBUG on, SQLite, the filesystem Celery broker and the console mail backend.
With DEBUG off it refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=true for local "
            "development only."
        )
    SECRET_KEY = "insecure-local-development-key-only-used-with-DEBUG-on-0123456789"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. Give the site's host names, comma-separated "
            "(for example ALLOWED_HOSTS=learn.example.org)."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

# The public address of the site, used in emails and on certificates (links must work
# outside a request).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL is not set. Give the site's public address, e.g. "
            "SITE_URL=https://learn.example.org: it goes into every email and certificate."
        )
    SITE_URL = "http://127.0.0.1:8000"

# The site's name as people know it: the issuer named on certificates, their badges and
# their emails.
SITE_NAME = os.environ.get("SITE_NAME", "Buttock nerve pain")

# How many proxies (a TLS terminator, a load balancer) stand between the clients and the
# app. 0: clients connect directly, and X-Forwarded-For (which a client can write) is
# ignored. Behind N proxies, the client's address is the Nth from the right in that
# header, and the proxy's X-Forwarded-Proto says whether the request came over HTTPS.
# One setting for our own limits (lib.limits), DRF's throttles and allauth's.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_celery_beat",
    # Ours, in layers from the bottom: each imports only those listed before it (and
    # lib/, a plain package). tests/test_layers.py keeps this true.
    "outbox",
    "accounts",
    "course",
    "quizzes",
    "reviews",
    "completion",
    "reminders",
    "newsletter",
    "me",
    "devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "config.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsletter.context_processors.newsletter",
                "config.context_processors.site",
            ],
        },
    },
]

# SQLite by default so that a fresh clone runs with no services; PostgreSQL (or any
# database dj-database-url understands) when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The quick start's web server, worker and beat share one SQLite file. WAL lets them
    # read while one writes; IMMEDIATE transactions take the write lock when they begin,
    # so a transaction that read first never fails with "database is locked" on its
    # first write (SQLite cannot wait for a lock it would have to upgrade); the timeout
    # makes the others wait their turn.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

SITE_ID = 1
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# --- django-allauth: login by email, mandatory verification, rate limits left on. ---
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# allauth's forms with the site's wording (labels, help texts, no placeholders).
ACCOUNT_FORMS = {
    name: f"accounts.allauth_forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "add_email": "AddEmailForm",
        "reauthenticate": "ReauthenticateForm",
    }.items()
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Buttock nerve pain] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# allauth's defaults throttle login failures, sign-ups, confirmation and reset mails;
# ACCOUNT_RATE_LIMITS is deliberately not set to False anywhere.

# --- Email ---
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
# How long a worker's claim on an email row lasts without news from it. A live worker
# renews its claims as it goes; when one dies, its rows are taken over once this runs
# out (plus at most one beat interval). It must outlast one message's SMTP exchange,
# which the timeout above bounds: four times it by default.
EMAIL_LEASE_SECONDS = envint("EMAIL_LEASE_SECONDS", 4 * EMAIL_TIMEOUT)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Buttock nerve pain <learn@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write to us (the contact, privacy and terms pages): content errors,
# certificates, privacy requests. By default the address mail is sent from; in the quick
# start, whose sender is a local address nobody reads, an example.org one.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "") or parseaddr(DEFAULT_FROM_EMAIL)[1]
if DEBUG and CONTACT_EMAIL.endswith("@localhost"):
    CONTACT_EMAIL = "contact@example.org"

# --- Celery ---
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_DIR = Path(os.environ.get("CELERY_BROKER_DIR", BASE_DIR / ".broker"))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    # The folders are made by `make run` (manage.py ensure_broker_folders), not here:
    # reading the settings changes nothing on disk.
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Publishing gives up quickly when the broker is down: the row is already in the
# database and the periodic sweep enqueues it again (see outbox.services.enqueue).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# --- Spaced repetition ---
# fsrs spreads due dates a little so that cards learnt together do not stay together;
# the tests turn it off to compare with the package's exact dates.
SRS_FUZZING = envbool("SRS_FUZZING", True)
# New review dates are spread over the same range to level each learner's daily load
# (reviews/balance.py), in place of fsrs's fuzz; off with the fuzz unless set.
SRS_LOAD_BALANCING = envbool("SRS_LOAD_BALANCING", SRS_FUZZING)
# Learners a worker task fits in the nightly memory-model fit (reviews.tasks).
MEMORY_FIT_BATCH_SIZE = envint("MEMORY_FIT_BATCH_SIZE", 200)
# Learners claimed per query, and reminders per worker task (one SMTP connection each).
REMINDER_BATCH_SIZE = envint("REMINDER_BATCH_SIZE", 500)

# --- Newsletter ---
NEWSLETTER_BATCH_SIZE = envint("NEWSLETTER_BATCH_SIZE", 200)
NEWSLETTER_SIGNUPS_PER_IP = envint("NEWSLETTER_SIGNUPS_PER_IP", 10)

# --- Django REST framework and the OpenAPI schema ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a locked lesson answers 401 with WWW-Authenticate to a
        # client that is not signed in (and 403 to one that is but has not enrolled).
        "accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Signed in unless a view opts out with AllowAny (the catalogue, lessons, quizzes,
    # certificate verification, the newsletter sign-up and the token exchange do).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # A JSON API: one body format to validate and document. The token exchange also
    # takes a form post, like DRF's own.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    # A service's AppError becomes an HTTP answer here, and only here.
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # JSON only in production; the browsable API is a developer's convenience.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("THROTTLE_TOKEN", "10/min"),
        "newsletter": os.environ.get("THROTTLE_NEWSLETTER", "10/hour"),
        "verify": os.environ.get("THROTTLE_VERIFY", "30/min"),
    },
}
# An API token lasts this long from when it was issued; then it is refused (401) and
# deleted, and the client signs in again. Changing or resetting the password ends it too.
API_TOKEN_TTL_DAYS = envint("API_TOKEN_TTL_DAYS", 30)
# The interactive API docs and the schema they read: anyone's in development; signed-in
# clinicians and staff only in production.
API_DOCS_PUBLIC = envbool("API_DOCS_PUBLIC", DEBUG)
SPECTACULAR_SETTINGS = {
    "TITLE": "Buttock nerve pain training API",
    "DESCRIPTION": "Courses, lessons, enrolments and progress. Locked lessons never carry "
    "their body.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Serve Swagger UI from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The five ratings of a course evaluation share one scale: one enum in the schema.
    "ENUM_NAME_OVERRIDES": {"RatingEnum": "completion.models.Rating"},
}

# --- Security ---
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the login form posts with the token from the page
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) on every response: pages, admin, API docs. Scripts
# and style sheets only from our own files, so an injected <script> or <style> does not
# run, and no style attribute either (style-src covers them): our pages position and
# colour everything from the stylesheet. The newsletter preview's framed email, which
# needs its inline styles, is served at its own address with its own policy
# (newsletter/admin.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Swagger UI's icons are data: URLs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (config.middleware): none of the browser's powerful features.
PERMISSIONS_POLICY = (
    "accelerometer",
    "autoplay",
    "bluetooth",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    if TRUSTED_PROXY_COUNT:
        # Only a proxy we stand behind may tell us the request was HTTPS.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The cache holds allauth's rate-limit counters. It lives in the database so that every
# web process shares the same counts and a Redis outage cannot break signing in.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
