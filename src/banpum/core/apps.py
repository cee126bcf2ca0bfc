from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "banpum.core"
    verbose_name = "Banpum"
