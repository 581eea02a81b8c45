# Django tests `is True` for some settings and truthiness for others.
SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = ["django.contrib.sessions"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
SECURE_SSL_REDIRECT = "True"          # a string: not `is True` -> W008
SECURE_HSTS_SECONDS = "0"             # a non-empty string: truthy -> no W004
SECURE_HSTS_INCLUDE_SUBDOMAINS = 1    # 1 is not True -> W005
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = "yes"   # -> W006
SESSION_COOKIE_SECURE = "False"       # truthy -> no W012
SESSION_COOKIE_HTTPONLY = 0           # falsy -> W015
CSRF_COOKIE_SECURE = 1                # truthy -> no W016
DEBUG = "False"                       # truthy -> W018
