from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "beian.web"
    label = "web"
    verbose_name = "网页"
