import environ

env = environ.Env()

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["example.com"])
# env.list does not strip: "same-origin, origin" gives " origin".
SECURE_REFERRER_POLICY = env.list("REFERRER_POLICY", default=["same-origin"])
# env.float keeps digits, commas and dots only: "0e5" is 5.0.
SECURE_HSTS_SECONDS = env.float("HSTS", default=0.0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = True
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
