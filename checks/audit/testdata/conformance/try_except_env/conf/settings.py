import os

try:
    SECRET_KEY = os.environ["SECRET_KEY"]
except KeyError:
    SECRET_KEY = "fallback-insecure"

try:
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS", "not-a-number"))
except (KeyError, ValueError):
    SECURE_HSTS_SECONDS = 0

try:
    DEBUG = {"on": True, "off": False}[os.getenv("DEBUG", "off")]
except LookupError:
    DEBUG = True
else:
    ALLOWED_HOSTS = ["example.com"]
finally:
    INSTALLED_APPS = []

try:
    from conf import local_overrides  # not there: ImportError
except ImportError:
    SECURE_SSL_REDIRECT = True

try:
    CSRF_COOKIE_SECURE = os.environ["CSRF_COOKIE_SECURE"] == "1"
except Exception:
    CSRF_COOKIE_SECURE = False

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = True
