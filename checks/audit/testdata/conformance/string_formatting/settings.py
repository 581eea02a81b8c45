import os

APP = "shop"
ENV = os.getenv("ENV_NAME", "prod")
SECRET_KEY = f"{APP}-{ENV}-" + os.getenv("KEY_SUFFIX", "x")
SECURE_REFERRER_POLICY = "%s, %s" % ("same-origin", os.getenv("EXTRA_POLICY", "origin"))
X_FRAME_OPTIONS = "{}".format(os.getenv("XFO", "deny")).upper()
ALLOWED_HOSTS = ["{env}.{app}.example.com".format(env=ENV, app=APP)]
_tag = f"{ENV=}"
DEBUG = _tag == "ENV='dev'"
SECURE_HSTS_SECONDS = int("%d" % (3600 if ENV == "prod" else 0))
_label = f"{APP!r}:{ENV!s}"
SECURE_SSL_REDIRECT = _label == "'shop':prod"
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = True
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CSRF_COOKIE_SECURE = True
