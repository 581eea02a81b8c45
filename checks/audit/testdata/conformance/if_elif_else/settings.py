import os

ENVIRONMENT = os.getenv("DJANGO_ENV", "development")
SECRET_KEY = os.getenv("SECRET_KEY", "dev-only")
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if ENVIRONMENT == "production":
    DEBUG = False
    ALLOWED_HOSTS = ["example.com"]
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    CSRF_COOKIE_SECURE = True
elif ENVIRONMENT in ("staging", "qa"):
    DEBUG = False
    ALLOWED_HOSTS = [ENVIRONMENT + ".example.com"]
    SECURE_SSL_REDIRECT = True
else:
    DEBUG = True
    ALLOWED_HOSTS = []

if not DEBUG and ENVIRONMENT != "production":
    SECURE_HSTS_SECONDS = 60
    SECURE_HSTS_PRELOAD = True
