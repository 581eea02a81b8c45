from decouple import Csv, config

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = config("ALLOWED_HOSTS", default="localhost", cast=Csv())
SECURE_REFERRER_POLICY = config("REFERRER_POLICY", default="same-origin", cast=Csv(delimiter=";"))
SILENCED_SYSTEM_CHECKS = config("SILENCED", default="", cast=Csv())
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
