import os

DEBUG = os.getenv("DEBUG") or False
SECRET_KEY = os.getenv("SECRET_KEY") or "fallback"
X_FRAME_OPTIONS = "DENY" if not os.getenv("EMBED") else "SAMEORIGIN"
SECURE_SSL_REDIRECT = os.getenv("BEHIND_PROXY") == "1" and True or False
SECURE_HSTS_SECONDS = os.getenv("HSTS") and int(os.getenv("HSTS")) or 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = not not SECURE_HSTS_SECONDS
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 3600
ALLOWED_HOSTS = os.getenv("HOSTS", "").split(",") if os.getenv("HOSTS") else []
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CSRF_COOKIE_SECURE = True
