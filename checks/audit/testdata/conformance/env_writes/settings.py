import os

# Settings that write to os.environ and read it back.
os.environ["DEBUG_FLAG"] = "1" if os.getenv("STAGE") == "dev" else "0"
os.environ.setdefault("HOSTS", "example.com")
os.environ.update({"KEY_FROM_UPDATE": "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"})
if os.getenv("DROP_HOSTS"):
    del os.environ["HOSTS"]

DEBUG = os.getenv("DEBUG_FLAG") == "1"
ALLOWED_HOSTS = os.environ.get("HOSTS", "").split(",")
SECRET_KEY = os.environ["KEY_FROM_UPDATE"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]
