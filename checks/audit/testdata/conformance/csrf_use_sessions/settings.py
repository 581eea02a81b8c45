import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
SILENCED_SYSTEM_CHECKS = ["security.W001"]
CSRF_USE_SESSIONS = os.getenv("CSRF_USE_SESSIONS", "")
CSRF_COOKIE_SECURE = os.getenv("CSRF_COOKIE_SECURE", "") == "1"
if os.getenv("NO_CSRF_MIDDLEWARE"):
    MIDDLEWARE.remove("django.middleware.csrf.CsrfViewMiddleware")
