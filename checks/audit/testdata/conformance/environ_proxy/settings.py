import environ

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="short")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = ["example.com"]
INSTALLED_APPS = []
MIDDLEWARE = []
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]
