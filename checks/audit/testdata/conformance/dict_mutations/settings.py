import os

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
FILE_CACHE = "django.core.cache.backends.filebased.FileBasedCache"

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]
STATIC_ROOT = os.path.join(BASE_DIR, "static")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CACHES["files"] = {"BACKEND": FILE_CACHE, "LOCATION": os.path.join(BASE_DIR, "var", "cache")}
CACHES.update({"static": {"BACKEND": FILE_CACHE, "LOCATION": os.path.join(STATIC_ROOT, "c")}})
if os.getenv("DROP_STATIC_CACHE"):
    del CACHES["static"]
if os.getenv("FILES_IN_STATIC"):
    CACHES["files"]["LOCATION"] = STATIC_ROOT
_extra = dict(CACHES["default"])
_extra.setdefault("BACKEND", FILE_CACHE)
CACHES.setdefault("extra", _extra)
CACHES.update(more={"BACKEND": FILE_CACHE, "LOCATION": os.getenv("MORE_CACHE", os.path.join(BASE_DIR, "more"))})
