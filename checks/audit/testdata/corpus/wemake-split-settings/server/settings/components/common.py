from server.settings.components import BASE_DIR, config

SECRET_KEY = config("DJANGO_SECRET_KEY")
MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql_psycopg2",
        "NAME": config("POSTGRES_DB"),
        "PASSWORD": config("POSTGRES_PASSWORD"),
        "PORT": config("DJANGO_DATABASE_PORT", cast=int),
        "CONN_MAX_AGE": config("CONN_MAX_AGE", cast=int, default=60),
    },
}
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR.joinpath("media")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
