from .base import *

try:
    from .local import *
except ImportError:
    DEBUG = False
else:
    LOCAL_LOADED = True
