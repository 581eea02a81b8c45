import os

import environ

ROOT_DIR = environ.Path(__file__) - 3  # (project/config/settings/production.py - 3 = project/)
APPS_DIR = ROOT_DIR.path('project')
env = environ.Env()

SECRET_KEY = "APn-PCfPmgzeaJ7+RZm0UNhUSyK8W+2RC9zndP93JYp0D=JlKLrKxZIzlnsEhw7b"
DEBUG = False
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]

STATIC_ROOT = str(ROOT_DIR('staticfiles'))
STATICFILES_DIRS = (str(APPS_DIR.path('static')),)
MEDIA_ROOT = str(~APPS_DIR + 'media')
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CACHE_SUBDIR", ROOT_DIR('staticfiles', 'cache')),
    },
    "media": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": f"{APPS_DIR - 'project'}/media",
    },
}
