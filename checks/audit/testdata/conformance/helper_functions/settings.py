import os


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes")


def env_list(name, default=""):
    value = os.environ.get(name, default)
    if not value:
        return []
    return [item.strip() for item in value.split(",") if item.strip()]


def get_secret(name, fallback=None):
    """Read a secret, or fall back."""
    value = os.environ.get(name)
    if value is None:
        return fallback
    return value


def env_int(name, *, default=0):
    raw = os.environ.get(name)
    return int(raw) if raw else default


SECRET_KEY = get_secret("SECRET_KEY", "dev")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost")
SECURE_SSL_REDIRECT = env_bool("SSL", True)
SECURE_HSTS_SECONDS = env_int("HSTS", default=3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool(name="HSTS_PRELOAD", default=False)
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CSRF_COOKIE_SECURE = True
