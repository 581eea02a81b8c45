"""Base settings shared by all environments."""
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def get_env_variable(var_name, default=None):
    """Get the environment variable or return exception."""
    try:
        return os.environ[var_name]
    except KeyError:
        if default is not None:
            return default
        error_msg = "Set the %s environment variable" % var_name
        raise ImproperlyConfigured(error_msg) from None


BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_NAME = BASE_DIR.name
SECRET_KEY = get_env_variable("SECRET_KEY", "dev-only-secret")
DEBUG = False
ALLOWED_HOSTS = []

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = ["crispy_forms", "allauth", "allauth.account"]
LOCAL_APPS = ["core", "accounts"]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": get_env_variable("POSTGRES_DB", PROJECT_NAME),
        "USER": get_env_variable("POSTGRES_USER", "postgres"),
        "PASSWORD": get_env_variable("POSTGRES_PASSWORD", ""),
        "HOST": get_env_variable("POSTGRES_HOST", "localhost"),
        "PORT": int(get_env_variable("POSTGRES_PORT", "5432")),
        "OPTIONS": {"connect_timeout": 5},
    }
}

AUTHENTICATION_BACKENDS = (
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
)

CRISPY_TEMPLATE_PACK = "bootstrap4"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(BASE_DIR, "static_root")
