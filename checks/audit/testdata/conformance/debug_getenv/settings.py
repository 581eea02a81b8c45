import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
DEBUG = os.getenv("DEBUG", False)  # the string "False" when set: truthy
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]
