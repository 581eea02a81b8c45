"""A settings file with a syntax error in the middle: the rest is still read."""
DEBUG = True
SECRET_KEY = "x" * 60

ALLOWED_HOSTS = ["example.com",
INSTALLED_APPS = []

def broken(:
    return 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
]
SECURE_HSTS_SECONDS = 0
X_FRAME_OPTIONS = "SAMEORIGIN"
