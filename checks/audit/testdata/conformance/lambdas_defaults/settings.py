import os

DEFAULT_FLAG = "false"


def flag(name, default=DEFAULT_FLAG):  # the default is bound now: "false"
    return os.getenv(name, default).lower() == "true"


DEFAULT_FLAG = "true"  # too late for flag()'s default

env_list = lambda name, default="": [x for x in os.getenv(name, default).split(",") if x]  # noqa: E731
env_int = lambda name, default=0: int(os.getenv(name, default))  # noqa: E731


def first_set(*names, default=None, **aliases):
    for n in names:
        if os.getenv(n):
            return os.getenv(n)
    for alias in aliases.values():
        if os.getenv(alias):
            return os.getenv(alias)
    return default


SECRET_KEY = first_set("SECRET_KEY", "DJANGO_SECRET_KEY", default="weak", old="OLD_SECRET")
DEBUG = flag("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "example.com")
SECURE_HSTS_SECONDS = env_int("HSTS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = flag("HSTS_SUBDOMAINS", "True")
SECURE_HSTS_PRELOAD = flag("HSTS_PRELOAD", default="TRUE")
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
