import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.production")
os.environ.setdefault("DJANGO_CONFIGURATION", "Production")
