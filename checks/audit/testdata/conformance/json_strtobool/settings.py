import json
import os
from distutils.util import strtobool

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
DEBUG = bool(strtobool(os.getenv("DEBUG", "no")))
ALLOWED_HOSTS = json.loads(os.getenv("ALLOWED_HOSTS_JSON", '["example.com"]'))
_security = json.loads(os.getenv("SECURITY_JSON", '{"hsts": 3600, "preload": true, "ssl": "yes"}'))
SECURE_HSTS_SECONDS = _security.get("hsts", 0)
SECURE_HSTS_PRELOAD = _security.get("preload", False)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_SSL_REDIRECT = strtobool(_security.get("ssl", "no")) == 1
try:
    SESSION_COOKIE_SECURE = bool(strtobool(os.getenv("SESSION_COOKIE_SECURE", "maybe")))
except ValueError:
    SESSION_COOKIE_SECURE = False
INSTALLED_APPS = ["django.contrib.sessions"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CSRF_COOKIE_SECURE = True
