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
# Iterables are not stripped: " origin" is invalid.
_policy = os.getenv("REFERRER_POLICY")
_form = os.getenv("POLICY_FORM", "list")
if _policy is None:
    if _form == "set":
        SECURE_REFERRER_POLICY = {"no-referrer", "bogus"}
    else:
        SECURE_REFERRER_POLICY = ["same-origin", "strict-origin"]
elif _form == "tuple":
    SECURE_REFERRER_POLICY = tuple(_policy.split(";"))
else:
    SECURE_REFERRER_POLICY = _policy.split(";")
