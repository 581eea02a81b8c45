import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
SECURE_HSTS_PRELOAD = True

_kind = os.getenv("HSTS_KIND", "str0")
if _kind == "str0":
    SECURE_HSTS_SECONDS = "0"
elif _kind == "float0":
    SECURE_HSTS_SECONDS = 0.0
elif _kind == "none":
    SECURE_HSTS_SECONDS = None
elif _kind == "negative":
    SECURE_HSTS_SECONDS = -1
elif _kind == "false":
    SECURE_HSTS_SECONDS = False
else:
    SECURE_HSTS_SECONDS = 1e3
    SECURE_HSTS_INCLUDE_SUBDOMAINS = "True"
