# ruff: noqa: E501
"""Base settings to build other settings files upon."""
{% if cookiecutter.use_celery == 'y' -%}
import ssl
{%- endif %}
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve(strict=True).parent.parent.parent
# {{ cookiecutter.project_slug }}/
APPS_DIR = BASE_DIR / "{{ cookiecutter.project_slug }}"
env = environ.Env()

READ_DOT_ENV_FILE = env.bool("DJANGO_READ_DOT_ENV_FILE", default=False)
if READ_DOT_ENV_FILE:
    # OS environment variables take precedence over variables from .env
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", False)
TIME_ZONE = "{{ cookiecutter.timezone }}"
LANGUAGE_CODE = "en-us"
SITE_ID = 1
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [str(BASE_DIR / "locale")]

{% if cookiecutter.use_docker == "y" -%}
DATABASES = {"default": env.db("DATABASE_URL")}
{%- else %}
DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default="postgres://{% if cookiecutter.windows == 'y' %}localhost{% endif %}/{{cookiecutter.project_slug}}",
    ),
}
{%- endif %}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
{%- if cookiecutter.use_celery == 'y' %}
    "django_celery_beat",
{%- endif %}
{%- if cookiecutter.use_drf == "y" %}
    "rest_framework",
    "rest_framework.authtoken",
    "corsheaders",
{%- endif %}
]

LOCAL_APPS = [
    "{{ cookiecutter.project_slug }}.users",
]
INSTALLED_APPS = THIRD_PARTY_APPS + LOCAL_APPS
MIGRATION_MODULES = {"sites": "{{ cookiecutter.project_slug }}.contrib.sites.migrations"}
AUTH_USER_MODEL = "users.User"
ADMIN_URL = "admin/"
ADMINS = [("""{{cookiecutter.author_name}}""", "{{cookiecutter.email}}")]
MANAGERS = ADMINS
SECRET_KEY = {{ cookiecutter.secret_key | tojson }}
DJANGO_ADMIN_FORCE_ALLAUTH = env.bool("DJANGO_ADMIN_FORCE_ALLAUTH", default=False)
{% if cookiecutter.use_celery == 'y' -%}
{%- raw %}
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
{%- endraw %}
CELERY_TASK_TIME_LIMIT = 5 * 60
{%- endif %}
{% if cookiecutter.frontend_pipeline == 'Webpack' %}
WEBPACK_LOADER = {
    "DEFAULT": {
        "CACHE": not DEBUG,
        "STATS_FILE": BASE_DIR / "webpack-stats.json",
{% if cookiecutter.use_whitenoise == 'n' %}
        "POLL_INTERVAL": 0.1,
{% endif %}
    },
}
{% endif %}
{{ cookiecutter.extra_settings }}
{%- if cookiecutter.use_sentry == 'y' %} SENTRY = True {% endif %}
{# Multi-line Jinja comment
   that spans lines #}
# Your stuff...
LAST_SETTING = "done"
