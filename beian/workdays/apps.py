from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "beian.workdays"
    label = "workdays"
    verbose_name = "工作日"

    def ready(self) -> None:
        from beian.workdays import signals  # noqa: F401  (connects the change handlers)
