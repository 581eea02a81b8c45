DEBUG = True
EXTRA_HOSTS = ["local.example.com"]
