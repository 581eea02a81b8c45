from server.settings.components.common import config

DEBUG = False
ALLOWED_HOSTS = [config("DOMAIN_NAME")]
STATIC_ROOT = "/var/www/django/static"
MEDIA_ROOT = "/var/www/django/media"
SECURE_HSTS_SECONDS = 518400
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
