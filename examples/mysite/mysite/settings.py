"""
Django settings for the ctl example project "mysite".

Configuration comes from the process environment, then from an optional
BASE_DIR/.env file (see .env.example), read with django-environ.

This project is a test fixture for ctl: it contains DELIBERATE deployment
mistakes, each marked with a "# DELIBERATE:" comment. Do not copy them.
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    # DELIBERATE: DEBUG defaults to True when DEBUG is not set in the environment or .env.
    DEBUG=(bool, True),
)

# django-environ 0.4.4 (Debian bookworm) only accepts a str path here (a Path is
# taken for an open file), and warns when the file is missing, so only read it
# when it exists. Variables already in the process environment win over .env.
_env_file = os.path.join(BASE_DIR, ".env")
if os.path.exists(_env_file):
    environ.Env.read_env(_env_file)

# DELIBERATE: hardcoded, publicly known SECRET_KEY used whenever SECRET_KEY is not set.
SECRET_KEY = env(
    "SECRET_KEY",
    default="django-insecure-x7#q!2m9v@k4p8^z$w1e&r6t(b3n)c5y*h0j+l_s-d=f%g",
)

DEBUG = env("DEBUG")

# DELIBERATE: any Host header is accepted unless ALLOWED_HOSTS is set.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])


# Application definition

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_extensions",
    "inventory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mysite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "mysite.wsgi.application"


# Database: DATABASE_URL, e.g. sqlite:////abs/path/db.sqlite3 or
# postgres://user:pass@127.0.0.1:5432/dbname (PostgreSQL needs psycopg2).

DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default="sqlite:///" + os.path.join(BASE_DIR, "db.sqlite3"),
    ),
}
# django-environ 0.4.4 maps postgres:// to the engine alias
# "postgresql_psycopg2", which Django 3.0 removed; use the real name.
if DATABASES["default"].get("ENGINE") == "django.db.backends.postgresql_psycopg2":
    DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"


# Password validation

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# Internationalization

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_L10N = True
USE_TZ = True


# Static files (CSS, JavaScript, Images)

# DELIBERATE: STATIC_URL is set but there is no STATIC_ROOT, so collectstatic cannot run.
STATIC_URL = "/static/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# DELIBERATE: e-mail (password resets, error reports) is printed to the console, never sent.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# DELIBERATE: no SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, SESSION_COOKIE_SECURE
# or CSRF_COOKIE_SECURE: cookies travel over plain HTTP and HTTPS is not enforced.
