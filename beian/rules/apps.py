from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "beian.rules"
    label = "rules"
    verbose_name = "规则"
