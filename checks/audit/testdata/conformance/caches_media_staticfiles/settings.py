import os

BASE_DIR = os.path.dirname(os.path.abspath(__file__))

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

MEDIA_ROOT = os.getenv("MEDIA_ROOT", os.path.join(BASE_DIR, "media"))
STATICFILES_DIRS = [
    os.path.join(BASE_DIR, "assets"),
    ("vendor", os.path.join(BASE_DIR, "vendor")),
]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.path.join(BASE_DIR, os.getenv("CACHE_SUBDIR", "media/cache")),
    }
}
