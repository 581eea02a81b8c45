import environ

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="too-short")
DEBUG = env.bool("DEBUG", False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost"])
SECURE_HSTS_SECONDS = env.int("HSTS", 0)
SECURE_REFERRER_POLICY = env.tuple("REFERRER_POLICY", default=("same-origin",))
X_FRAME_OPTIONS = env("X_FRAME_OPTIONS", str, "DENY")
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:////tmp/ctl-conformance.sqlite3")}
STATIC_ROOT = "/srv/app/static"
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = True
