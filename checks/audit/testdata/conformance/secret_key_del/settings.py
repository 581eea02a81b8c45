import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
DEBUG = True
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

if os.getenv("DROP_KEY"):
    del SECRET_KEY
if os.getenv("PRODUCTION") == "1":
    del DEBUG  # back to Django's default, False
