"""Materials: the requirement catalogue, uploads, storage, machine checks, agreements, evidence."""
from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "beian.materials"
    label = "materials"
    verbose_name = "备案材料"

    def ready(self) -> None:
        # Registers MATERIAL_MISSING and MATERIAL_CHECKS with the rules engine (beian.rules.engine.rule).
        from beian.materials import rules  # noqa: F401
        from beian.materials.catalogue import connect_requirement_signals

        connect_requirement_signals()
