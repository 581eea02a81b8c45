import os

SECRET_KEY: str = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
DEBUG: bool = os.getenv("DEBUG", "") == "on"
TIMEOUT: int  # annotation only: binds nothing
SECURE_SSL_REDIRECT, SESSION_COOKIE_SECURE = True, os.getenv("SCS", "") == "1"
(CSRF_COOKIE_SECURE, SECURE_HSTS_SECONDS), _unused = (True, int(os.getenv("HSTS", "0"))), None
FIRST_HOST, *OTHER_HOSTS = os.getenv("HOSTS", "example.com").split(",")
ALLOWED_HOSTS = [FIRST_HOST] + OTHER_HOSTS if FIRST_HOST else OTHER_HOSTS
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = os.getenv("HSTS_ALL", "y") == "y"
[X_FRAME_OPTIONS, SECURE_REFERRER_POLICY] = os.getenv("HEADERS", "DENY|same-origin").split("|")
INSTALLED_APPS = ["django.contrib.sessions"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
