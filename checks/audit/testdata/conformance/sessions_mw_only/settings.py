import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = ("django.contrib.sessions.middleware.SessionMiddleware",)
SILENCED_SYSTEM_CHECKS = ("security.W001", "security.W002", "security.W003")
SESSION_COOKIE_HTTPONLY = os.getenv("HTTPONLY", "")
if os.getenv("SECURE_COOKIES"):
    SESSION_COOKIE_SECURE = True
