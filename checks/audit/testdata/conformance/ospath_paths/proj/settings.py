import os

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

STATIC_ROOT = os.path.join(PROJECT_ROOT, "public", "static")
MEDIA_ROOT = os.path.normpath(os.path.join(PROJECT_ROOT, "public", "..", "uploads"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.path.join(PROJECT_ROOT, *os.getenv("CACHE_PATH", "var/cache").split("/")),
    }
}
