"""The public lookup of filings."""
from django.apps import AppConfig


class LookupConfig(AppConfig):
    name = "beian.lookup"
    label = "lookup"
    verbose_name = "公开查询"

    def ready(self) -> None:
        from beian.lookup import signals  # noqa: F401 - connects the receivers
