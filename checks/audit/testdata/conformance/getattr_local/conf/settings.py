import os

try:
    from conf import local as local_settings
except ImportError:
    local_settings = None

try:
    from conf import missing as missing_settings
except ImportError:
    missing_settings = None

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
DEBUG = getattr(local_settings, "DEBUG", False) and not os.getenv("FORCE_PRODUCTION")
ALLOWED_HOSTS = ["example.com"] + getattr(local_settings, "EXTRA_HOSTS", [])
SECURE_SSL_REDIRECT = getattr(missing_settings, "SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = getattr(local_settings, "HSTS", 0)
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CSRF_COOKIE_SECURE = True
