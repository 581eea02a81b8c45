import os
from os import environ, getenv

SECRET_KEY = os.environ["SECRET_KEY"]  # every variant sets it
DEBUG = "DEBUG" in os.environ
ALLOWED_HOSTS = [environ.get("HOST", "localhost")]
if "DYNO" in os.environ:
    SECURE_SSL_REDIRECT = True
if getenv("NO_HOSTS") is not None:
    ALLOWED_HOSTS = []
X_FRAME_OPTIONS = os.environ.setdefault("XFO", "DENY")
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(environ["HSTS"]) if "HSTS" in environ else 0
