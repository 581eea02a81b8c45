SECRET_KEY = 'x9$h2k!q@w7e#r4t%y6u^i8o&p0a*s1d(f3g)h5j-k7l+z9x=c2v'
DEBUG = False
ALLOWED_HOSTS = ['myblog.example']
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

try:
    from .local_settings import *
except ImportError:
    pass

if not DEBUG:
    import django_heroku
    django_heroku.settings(locals())
