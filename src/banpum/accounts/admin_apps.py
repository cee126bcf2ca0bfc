"""Installed instead of ``django.contrib.admin``: ``admin.site`` is the superusers-only site.

Kept apart from ``admin_site`` because app configs are imported before models are ready.
"""

from django.contrib.admin.apps import AdminConfig


class SuperuserAdminConfig(AdminConfig):
    default_site = "banpum.accounts.admin_site.SuperuserAdminSite"
