# Nothing but what Django needs to start: every other setting is Django's default.
INSTALLED_APPS = []
