"""Django settings, all from the environment (see ``hoptac.web.config``; security: ``hoptac.web.security``)."""

from __future__ import annotations

from pathlib import Path

from hoptac.web import config, security

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = config.production()  # HOPTAC_PRODUCTION=1: every setting below given, HTTPS only
DATA_DIR = config.data_dir()
DEBUG = config.debug()
SECRET_KEY = config.secret_key(DATA_DIR)
ALLOWED_HOSTS = config.allowed_hosts(DEBUG)
DATABASES = {"default": config.database(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "hoptac.records",
    "hoptac.cycle",
    "hoptac.search",
    "axes",
]

MIDDLEWARE = [
    "hoptac.web.security.ForwardedHeadersMiddleware",  # first: X-Forwarded-* only from a trusted proxy
    "hoptac.web.security.ContentSecurityPolicyMiddleware",  # on every response, the error pages' too
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hoptac.web.security.RequestSizeLimitMiddleware",
    "hoptac.web.nul.RefuseNulMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into its page
]

ROOT_URLCONF = "hoptac.web.urls"
WSGI_APPLICATION = "hoptac.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hoptac.records.perms.context",
            ],
        },
    },
]

# The first refuses locked-out sign-ins (django-axes); the last keeps sessions opened before ProfileBackend valid.
AUTHENTICATION_BACKENDS = [
    "hoptac.web.throttle.ThrottleBackend",
    "hoptac.records.auth.ProfileBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "records" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["hoptac.web.formats"]
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "files"
MEDIA_URL = "/files/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}

# Outgoing mail (the reminders of ``hoptac remind``): HOPTAC_SMTP_* from the environment, checked.
from hoptac.cycle.mail import email_settings  # noqa: E402

globals().update(email_settings())
# Password hashing, login throttling, sessions, cookies, HTTPS: see hoptac.web.security.
globals().update(security.settings(PRODUCTION))
