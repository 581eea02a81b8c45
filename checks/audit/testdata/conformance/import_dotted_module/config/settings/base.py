SECRET_KEY = "short-key"
DEBUG = True
HOSTS = ["example.com"]
