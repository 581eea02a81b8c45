import logging
import os

from kitsune.lib.sumo_locales import LOCALES

DEBUG = True
TEMPLATE_DEBUG = DEBUG
LOG_LEVEL = logging.INFO

ROOT = os.path.dirname(os.path.dirname(__file__))
PROJECT_ROOT = os.path.dirname(__file__)

path = lambda *a: os.path.abspath(os.path.join(ROOT, *a))

DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.mysql',
        'NAME': 'kitsune',
        'USER': '',
        'PASSWORD': '',
        'HOST': '',
        'PORT': '',
        'OPTIONS': {'init_command': 'SET storage_engine=InnoDB'},
    }
}

MEDIA_ROOT = path('media')
MEDIA_URL = '/media/'
STATIC_ROOT = path('static')
STATIC_URL = '/static/'

SECRET_KEY = '#%tc(zja8j01!r#h_y)=hy!^k)9az74k+-ib&ij&+**s3-e^_z'

SESSION_COOKIE_AGE = 4 * 7 * 24 * 60 * 60
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
