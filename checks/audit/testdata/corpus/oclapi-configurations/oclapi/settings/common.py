import os

from configurations import Configuration, values

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Common(Configuration):
    DEBUG = False
    ALLOWED_HOSTS = ['*']
    INSTALLED_APPS = ('django.contrib.sessions',)
    DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'ocl'}}
    STATIC_ROOT = os.path.join(BASE_DIR, 'static')
