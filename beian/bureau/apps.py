from django.apps import AppConfig


class BureauConfig(AppConfig):
    name = "beian.bureau"
    label = "bureau"
    verbose_name = "管局"
