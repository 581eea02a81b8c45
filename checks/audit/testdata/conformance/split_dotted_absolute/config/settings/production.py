from config.settings.base import *  # noqa
from config import constants
import config.constants as consts

ALLOWED_HOSTS = constants.HOSTS
SECURE_REFERRER_POLICY = consts.REFERRER + ",bogus" if os.getenv("BAD_POLICY") else consts.REFERRER
SECURE_HSTS_SECONDS = 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
CSRF_COOKIE_SECURE = True
