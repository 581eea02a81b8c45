from configurations import Configuration, values


class Common(Configuration):
    DEBUG = values.BooleanValue(False)
    ALLOWED_HOSTS = []
    INSTALLED_APPS = ('django.contrib.sessions',)
    DATABASES = values.DatabaseURLValue('postgres://localhost/birdo')
