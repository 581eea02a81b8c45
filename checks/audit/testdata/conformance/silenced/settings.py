import os

SECRET_KEY = "short"
DEBUG = True
ALLOWED_HOSTS = []
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008"]
if os.getenv("SILENCE_MORE"):
    SILENCED_SYSTEM_CHECKS += os.getenv("SILENCE_MORE").split(",")
