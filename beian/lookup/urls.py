from django.urls import path

from beian.lookup import views

app_name = "lookup"

urlpatterns = [
    path("", views.lookup_page, name="page"),
]
