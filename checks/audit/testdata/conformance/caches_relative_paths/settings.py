# caches.W002 with relative paths: Django resolves MEDIA_ROOT, STATIC_ROOT,
# STATICFILES_DIRS and a FileBasedCache LOCATION against the working
# directory (pathlib.Path.resolve, os.path.abspath) before comparing them,
# so a relative path and an absolute one can name the same directory.
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

STATIC_ROOT = os.getenv("STATIC_ROOT", "static")
MEDIA_ROOT = str(BASE_DIR / "media")
STATICFILES_DIRS = [
    os.getenv("ASSETS", "assets"),
    ("vendor", os.getenv("VENDOR", str(BASE_DIR / "vendor"))),
]

CACHE_DIR = os.getenv("CACHE_DIR", "cache")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "files": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(BASE_DIR / CACHE_DIR) if os.getenv("CACHE_ABS") else CACHE_DIR,
    },
}
