import os

SECRET_KEY = os.environ['SECRET_KEY']
DEBUG = False
ALLOWED_HOSTS = ['react.example']
STATIC_ROOT = '/srv/static'
