import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
_odd = os.getenv("ODD", "")
if _odd == "xfo-none":
    X_FRAME_OPTIONS = None
elif _odd == "policy-empty-list":
    SECURE_REFERRER_POLICY = []
elif _odd == "policy-tuple-empty-string":
    SECURE_REFERRER_POLICY = ("",)
elif _odd == "policy-dict":
    SECURE_REFERRER_POLICY = {"origin": 1, "same-origin": 2}
elif _odd == "nosniff-none":
    SECURE_CONTENT_TYPE_NOSNIFF = None
elif _odd == "hosts-dict":
    ALLOWED_HOSTS = {}
