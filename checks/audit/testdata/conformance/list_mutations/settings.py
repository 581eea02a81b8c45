import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = []
ALLOWED_HOSTS.append("example.com")
ALLOWED_HOSTS.extend(os.getenv("EXTRA_HOSTS", "").split())
INSTALLED_APPS = []
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
MIDDLEWARE.insert(0, "django.middleware.security.SecurityMiddleware")
MIDDLEWARE.append("django.middleware.csrf.CsrfViewMiddleware")
MIDDLEWARE.extend(["django.middleware.clickjacking.XFrameOptionsMiddleware"])
MIDDLEWARE += ("django.contrib.sessions.middleware.SessionMiddleware",)
_base = MIDDLEWARE  # an alias: mutations below show through
if os.getenv("DISABLE_CSRF"):
    _base.remove("django.middleware.csrf.CsrfViewMiddleware")
if os.getenv("DISABLE_SECURITY"):
    MIDDLEWARE = MIDDLEWARE[1:]
if os.getenv("POP_LAST"):
    MIDDLEWARE.pop()
    MIDDLEWARE.pop(0)
if os.getenv("CLEAR_HOSTS"):
    ALLOWED_HOSTS.clear()
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
