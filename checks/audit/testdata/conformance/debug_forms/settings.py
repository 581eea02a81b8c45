import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CSRF_COOKIE_SECURE = True
SILENCED_SYSTEM_CHECKS = ["security.W001"]

MODE = os.getenv("DEBUG_MODE", "eq")
if MODE == "eq":
    DEBUG = os.environ.get("DEBUG", "False") == "True"
elif MODE == "bool":
    DEBUG = bool(os.environ.get("DEBUG", ""))
elif MODE == "int":
    DEBUG = int(os.environ.get("DEBUG", "0"))
elif MODE == "lower":
    DEBUG = os.environ.get("DEBUG", "no").lower() in ("1", "true", "yes", "on")
elif MODE == "strip":
    DEBUG = os.environ.get("DEBUG", "").strip().lower() == "true"
else:
    DEBUG = os.environ.get("DEBUG") not in (None, "", "0", "false", "False")
