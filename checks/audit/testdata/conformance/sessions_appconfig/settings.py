import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
# Django's check looks for the exact string "django.contrib.sessions".
INSTALLED_APPS = [os.getenv("SESSIONS_APP", "django.contrib.sessions.apps.SessionsConfig")]
MIDDLEWARE = []
if os.getenv("WITH_MIDDLEWARE"):
    MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware"]
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]
SESSION_COOKIE_HTTPONLY = False
