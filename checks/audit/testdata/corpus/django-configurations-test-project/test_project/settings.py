from configurations import Configuration, values


class Base(Configuration):
    DEBUG = values.BooleanValue(True, environ=True)
    TEMPLATE_DEBUG = DEBUG
    DATABASES = {
        'default': {
            'ENGINE': 'django.db.backends.sqlite3',
            'NAME': '',
        }
    }
    ALLOWED_HOSTS = []
    MEDIA_ROOT = ''
    STATIC_ROOT = ''
    STATIC_URL = '/static/'
    SECRET_KEY = '-9i$j8kcp48(y-v0hiwgycp5jb*_)sy4(swd@#m(j1m*4vfn4w'
    MIDDLEWARE_CLASSES = (
        'django.middleware.common.CommonMiddleware',
        'django.contrib.sessions.middleware.SessionMiddleware',
        'django.middleware.csrf.CsrfViewMiddleware',
    )


class Debug(Base):
    YEAH = True


class Other(Base):
    YEAH = False
