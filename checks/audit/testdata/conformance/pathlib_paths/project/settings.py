import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = os.path.join(BASE_DIR, "media")
_where = os.getenv("CACHE_AT", "static")
if _where == "static":
    _loc = BASE_DIR.joinpath("staticfiles", "cache")
elif _where == "parents":
    _loc = Path(__file__).parents[1]
elif _where == "name":
    _loc = BASE_DIR / "media" / Path(__file__).resolve().parent.name
else:
    _loc = BASE_DIR.parent / "elsewhere"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": _loc},
}
