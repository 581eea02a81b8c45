"""Settings with syntax errors in the middle; what surrounds them is still read."""
import os

DEBUG = True

ALLOWED_HOSTS = ["example.com"

def helper(:
    return 1

class Broken(
    pass

if True
    TIME_ZONE = "UTC"

SECRET_KEY = "hard-coded-after-the-errors"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
