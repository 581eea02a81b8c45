import os

SECRET_KEY = "short"
DEBUG = True
ALLOWED_HOSTS = []
INSTALLED_APPS = []
MIDDLEWARE = []
# A string, not a list: Django's `msg.id in SILENCED_SYSTEM_CHECKS` is
# then a substring test.
SILENCED_SYSTEM_CHECKS = os.getenv("SILENCED", "")
