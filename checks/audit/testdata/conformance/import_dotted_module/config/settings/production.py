import config.settings.base
import config.settings.base as base_settings

SECRET_KEY = config.settings.base.SECRET_KEY
DEBUG = config.settings.PACKAGE_DEBUG
ALLOWED_HOSTS = base_settings.HOSTS
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]
