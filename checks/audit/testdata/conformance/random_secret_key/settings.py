import os

from django.core.management.utils import get_random_secret_key

# A fresh random key at every start when the variable is unset.
SECRET_KEY = os.getenv("SECRET_KEY", get_random_secret_key())
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]
