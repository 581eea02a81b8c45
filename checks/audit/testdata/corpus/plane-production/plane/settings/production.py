import dj_database_url
import sentry_sdk

from .common import *  # noqa

DEBUG = False
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql_psycopg2",
        "NAME": "plane",
        "USER": os.environ.get("PGUSER", ""),
        "PASSWORD": os.environ.get("PGPASSWORD", ""),
        "HOST": os.environ.get("PGHOST", ""),
    }
}
DATABASES["default"] = dj_database_url.config()
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = True
if bool(os.environ.get("SENTRY_DSN", False)):
    sentry_sdk.init(dsn=os.environ.get("SENTRY_DSN", ""))
ALLOWED_HOSTS = [
    "*",
]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
