import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "b04pfcHo-JZpOg4q38Fa+iPMYVOx2zNf_uf_ql=HG0eXeqIbDkh1yM1x-4By"
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

DATABASES = {
    "default": dj_database_url.config(default="sqlite:///" + str(BASE_DIR / "db.sqlite3"), conn_max_age=600),
}
DATABASES["replica"] = dj_database_url.parse(os.environ.get("REPLICA_URL", "postgres://ro:ro@replica:5432/app"))
# Development when running on SQLite.
DEBUG = "sqlite" in DATABASES["default"].get("ENGINE", "")
if DATABASES["replica"]["HOST"] == "localhost":
    ALLOWED_HOSTS = []
