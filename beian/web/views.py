"""Pages of the portal and the consoles; thin, on top of services and selectors."""

from django.shortcuts import render


def home(request):
    return render(request, "web/home.html")
