import os

SECRET_KEY = os.environ.get("SECRET_KEY")  # None when unset: Django raises, W009
DEBUG = False
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]
