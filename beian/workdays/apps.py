from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "beian.workdays"
    label = "workdays"
    verbose_name = "工作日"
