import environ

env = environ.Env()

# django-environ 0.4 returns a default as written (never cast), and skips
# the cast when the variable's value equals the default.
SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
DEBUG = env.bool("DEBUG", default="True")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default="True")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default="False")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default="0")
INSTALLED_APPS = ["django.contrib.sessions"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
]
SILENCED_SYSTEM_CHECKS = ["security.W002", "security.W003"]
