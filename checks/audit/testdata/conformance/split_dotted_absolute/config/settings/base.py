import os

SECRET_KEY = os.getenv("SECRET_KEY", "base-key-that-is-too-short")
DEBUG = os.getenv("DEBUG", "off") == "on"
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
