import os

SECRET_KEY = os.environ.get(
    "SECRET_KEY", "django-insecure-8k#2v!q@x9z$m4n&b7c*d1f(g5h)j3k_l6p+r0s=t"
)
DEBUG = False
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]
