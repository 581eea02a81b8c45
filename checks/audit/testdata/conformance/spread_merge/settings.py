import os

FILE_CACHE = "django.core.cache.backends.filebased.FileBasedCache"
_BASE_MIDDLEWARE = ("django.middleware.security.SecurityMiddleware",)
_CSRF = ["django.middleware.csrf.CsrfViewMiddleware"] if os.getenv("CSRF", "1") == "1" else []

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = [*os.getenv("HOSTS", "example.com").split(), *()]
INSTALLED_APPS = []
MIDDLEWARE = [*_BASE_MIDDLEWARE, *_CSRF, "django.middleware.clickjacking.XFrameOptionsMiddleware"]
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
_hsts = {"SECURE_HSTS_SECONDS": 60}
_hsts_flags = {"SECURE_HSTS_INCLUDE_SUBDOMAINS": True} | {"SECURE_HSTS_PRELOAD": os.getenv("PRELOAD") == "1"}
_all = {**_hsts, **_hsts_flags}
SECURE_HSTS_SECONDS = _all["SECURE_HSTS_SECONDS"]
SECURE_HSTS_INCLUDE_SUBDOMAINS = _all["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
SECURE_HSTS_PRELOAD = _all.get("SECURE_HSTS_PRELOAD", True)
STATIC_ROOT = "/srv/app/static"
CACHES = {
    **{"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    **({"files": {"BACKEND": FILE_CACHE, "LOCATION": "/srv/app/static/cache"}} if os.getenv("FILE_CACHE") else {}),
}
