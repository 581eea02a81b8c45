import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = ["django.contrib.sessions"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]
SESSION_COOKIE_SECURE = os.getenv("SESSION_COOKIE_SECURE", "")
SESSION_COOKIE_HTTPONLY = os.getenv("SESSION_COOKIE_HTTPONLY", "0") == "1"
