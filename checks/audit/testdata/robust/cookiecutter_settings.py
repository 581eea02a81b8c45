"""
Base settings to build other settings files upon ({{ cookiecutter.project_name }}).
"""
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve(strict=True).parent.parent.parent
APPS_DIR = BASE_DIR / "{{ cookiecutter.project_slug }}"
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", True)
TIME_ZONE = "{{ cookiecutter.timezone }}"
{% if cookiecutter.use_docker == 'y' -%}
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

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.sessions",
{%- if cookiecutter.use_celery == 'y' %}
    "django_celery_beat",
{%- endif %}
    "{{ cookiecutter.project_slug }}.users",
]
SECRET_KEY = "{{ cookiecutter.secret_key | default('insecure') }}"
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
