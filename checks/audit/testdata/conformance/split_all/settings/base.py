# `from .base import *` takes only the names in __all__.
__all__ = ["SECRET_KEY", "INSTALLED_APPS", "MIDDLEWARE", "ALLOWED_HOSTS"]

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
DEBUG = True
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]
