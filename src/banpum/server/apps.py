from django.apps import AppConfig


class ServerConfig(AppConfig):
    """Installed so Django finds the composition's management commands."""

    name = "banpum.server"
    verbose_name = "Banpum server"
