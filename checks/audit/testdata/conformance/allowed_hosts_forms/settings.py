import os

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

FORM = os.getenv("HOSTS_FORM", "comprehension")
RAW = os.getenv("ALLOWED_HOSTS", "")
if FORM == "comprehension":
    ALLOWED_HOSTS = [h.strip() for h in RAW.split(",") if h.strip()]
elif FORM == "filter":
    ALLOWED_HOSTS = list(filter(None, RAW.split(",")))
elif FORM == "string":
    ALLOWED_HOSTS = RAW
elif FORM == "whitespace":
    ALLOWED_HOSTS = tuple(RAW.split())
elif FORM == "literal-empty-string":
    ALLOWED_HOSTS = [""]
else:
    ALLOWED_HOSTS = ()
