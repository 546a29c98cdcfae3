from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "beian.notify"
    label = "notify"
    verbose_name = "通知"

    def ready(self) -> None:
        from beian.notify import signals  # noqa: F401 - registers the receivers
