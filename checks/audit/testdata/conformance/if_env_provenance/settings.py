import os

if "DJANGO_SECRET_KEY" in os.environ:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
else:
    SECRET_KEY = "dev"

if not os.environ.get("DJANGO_PRODUCTION"):
    DEBUG = True
    ALLOWED_HOSTS = ["*"]
else:
    DEBUG = False
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

if os.getenv("DJANGO_HOSTS"):
    ALLOWED_HOSTS = os.getenv("DJANGO_HOSTS").split(",")

INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
