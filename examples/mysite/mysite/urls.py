"""URL configuration for the ctl example project "mysite"."""
from django.contrib import admin
from django.urls import path

urlpatterns = [
    # DELIBERATE: the admin sits at the default, easily guessed /admin/ URL.
    path("admin/", admin.site.urls),
]
