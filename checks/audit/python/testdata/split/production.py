from .base import *  # noqa
from .base import DATABASES, INSTALLED_APPS as BASE_APPS
from ..utils import (
    env_bool,
    env_list as _env_list,
)
from . import logging_config
import logging.config as logconf, os.path

DEBUG = False
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", ["example.com", ".example.com"])
INSTALLED_APPS = [*BASE_APPS, "storages"]
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["OPTIONS"].update({"sslmode": "require"})

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"

AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME")
AWS_S3_CUSTOM_DOMAIN = "%s.s3.amazonaws.com" % AWS_STORAGE_BUCKET_NAME
AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "max-age=86400"}
STATIC_URL = "https://{}/static/".format(AWS_S3_CUSTOM_DOMAIN)

logconf.dictConfig(logging_config.CONFIG)

del BASE_APPS

try:
    from .local import *  # noqa: F401,F403
except ImportError:
    pass
else:
    print("local overrides loaded", file=sys.stderr) if DEBUG else None
finally:
    pass
