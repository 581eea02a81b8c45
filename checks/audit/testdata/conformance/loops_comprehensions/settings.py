import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
_apps = ["sessions", "contenttypes"]
INSTALLED_APPS = ["django.contrib." + a for a in _apps]
MIDDLEWARE = []
for _mw in ("security.SecurityMiddleware", "csrf.CsrfViewMiddleware", "clickjacking.XFrameOptionsMiddleware"):
    if _mw.startswith(os.getenv("SKIP_MIDDLEWARE", "-")):
        continue
    MIDDLEWARE.append("django.middleware." + _mw)
SILENCED_SYSTEM_CHECKS = {f"security.W0{n}" for n in (10, 13)}
_flags = {k: os.getenv(k, "") for k in ("VERBOSE", "TRACE")}
DEBUG = any(v == "debug" for v in _flags.values())
ALLOWED_HOSTS = [h for h in ["example.com", os.getenv("EXTRA_HOST", "")] if h]
SECURE_SSL_REDIRECT = all(x in MIDDLEWARE for x in ["django.middleware.security.SecurityMiddleware"])
SECURE_HSTS_SECONDS = sum([60, 60]) if os.getenv("HSTS") else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = True
CSRF_COOKIE_SECURE = len(MIDDLEWARE) > 1
