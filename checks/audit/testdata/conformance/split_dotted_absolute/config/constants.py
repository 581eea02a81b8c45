HOSTS = ["example.com", "api.example.com"]
REFERRER = "strict-origin"
