"""Réglages « basic » — a single-file fixture for ctl audit's golden tests.

Every value below is a deliberate mistake.
"""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "dev-secret"
SECRET_KEY_FALLBACKS = ["ancienne-clé"]
DEBUG = True
NOM = "Café ☕ Ünïcode"; ALLOWED_HOSTS = ["café.example", "*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "debug_toolbar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

ROOT_URLCONF = "basic.urls"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        "PASSWORD": "hunter2",
    }
}

MEDIA_ROOT = "/srv/media"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": "/srv/media/cache",
    }
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_REFERRER_POLICY = "same-origin, nonsense"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "allow-all"
SECURE_HSTS_SECONDS = 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = "True"
SECURE_SSL_REDIRECT = 1
CSRF_TRUSTED_ORIGINS = ["http://café.example"]
SESSION_COOKIE_SAMESITE = "None"
CORS_ALLOW_ALL_ORIGINS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_URL = "/static/"
