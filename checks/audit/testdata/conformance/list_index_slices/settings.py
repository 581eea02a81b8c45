import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = ["django.contrib.sessions"]
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
_alias = MIDDLEWARE
# Insert relative to another entry, and through slice assignment.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1, "django.middleware.csrf.CsrfViewMiddleware")
MIDDLEWARE[0:0] = ["django.middleware.security.SecurityMiddleware"]
if os.getenv("SESSIONS"):
    MIDDLEWARE[1:1] = ("django.contrib.sessions.middleware.SessionMiddleware",)
if os.getenv("DROP_FIRST"):
    del MIDDLEWARE[0]
if os.getenv("REPLACE_TAIL"):
    _alias[2:] = []
SESSION_COOKIE_SECURE = MIDDLEWARE.count("django.contrib.sessions.middleware.SessionMiddleware") > 0
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60
_flags = {"SECURE_HSTS_PRELOAD": True}
_flags |= {"SECURE_HSTS_INCLUDE_SUBDOMAINS": os.getenv("SUBDOMAINS", "1") == "1"}
SECURE_HSTS_PRELOAD = _flags["SECURE_HSTS_PRELOAD"]
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flags["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
