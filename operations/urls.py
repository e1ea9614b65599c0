from django.urls import path

from . import views

urlpatterns = [
    path("", views.health_view, name="health"),
    path("live/", views.live_view, name="health_live"),
]
