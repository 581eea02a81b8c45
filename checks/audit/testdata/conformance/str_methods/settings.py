import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
DEBUG = os.getenv("DEBUG", "false").capitalize() == "True"
_mode = os.getenv("SSL_MODE", "Redirect").title()
SECURE_SSL_REDIRECT = _mode.startswith(("Redirect", "Force"))
ALLOWED_HOSTS = os.getenv("HOSTS", "example.com www.example.com").split(None, 1)[:1]
_hsts = os.getenv("HSTS", "3600s").removesuffix("s")
SECURE_HSTS_SECONDS = int(_hsts) if _hsts.isdigit() else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = True
X_FRAME_OPTIONS = os.getenv("XFO", "deny").upper().removeprefix("X-")
SECURE_REFERRER_POLICY = ",".join(os.getenv("POLICIES", "same-origin\norigin").splitlines())
_parts = os.getenv("COOKIES", "secure:httponly").rsplit(":")
SESSION_COOKIE_SECURE = "secure" in _parts
CSRF_COOKIE_SECURE = os.getenv("CSRF", "a=b=secure").split("=", 1)[1] == "b=secure"
INSTALLED_APPS = ["django.contrib.sessions"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
