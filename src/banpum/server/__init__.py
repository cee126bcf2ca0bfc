"""The composition: the only package that knows every app.

It assembles the API (every app's router under one ``/api/v1/``), runs what ``banpum serve``
starts beside the web server (a job worker and the carrier, payment and messaging
simulators), and holds the commands that drive the whole system (``serve``, ``demo``,
``worker``, ``simulate-carrier``, ``simulate-payments``, ``simulate-messages``). No app
imports it; ``banpum.urls``, ``banpum.wsgi``, ``banpum.cli`` and the settings sit beside it.
"""
