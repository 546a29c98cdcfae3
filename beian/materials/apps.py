from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "beian.materials"
    label = "materials"
    verbose_name = "备案材料"
