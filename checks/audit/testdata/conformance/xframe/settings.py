import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]
if not os.getenv("NO_XFRAME"):
    MIDDLEWARE.append("django.middleware.clickjacking.XFrameOptionsMiddleware")
CSRF_COOKIE_SECURE = True
SILENCED_SYSTEM_CHECKS = ["security.W001"]
X_FRAME_OPTIONS = os.environ.get("X_FRAME_OPTIONS", "DENY")
