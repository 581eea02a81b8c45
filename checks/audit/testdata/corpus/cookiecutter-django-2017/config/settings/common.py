import environ

ROOT_DIR = environ.Path(__file__) - 3  # (project/config/settings/common.py - 3 = project/)
APPS_DIR = ROOT_DIR.path('project')
env = environ.Env()
DEBUG = env.bool('DJANGO_DEBUG', False)
DATABASES = {
    'default': env.db('DATABASE_URL', default='postgres:///project'),
}
MIDDLEWARE = [
    'django.middleware.security.SecurityMiddleware',
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.middleware.clickjacking.XFrameOptionsMiddleware',
]
STATIC_ROOT = str(ROOT_DIR('staticfiles'))
STATICFILES_DIRS = (
    str(APPS_DIR.path('static')),
)
MEDIA_ROOT = str(APPS_DIR('media'))
STATIC_URL = '/static/'
