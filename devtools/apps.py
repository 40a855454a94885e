from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """The demo accounts `make run` creates and the benchmark commands `make bench` runs.
    At the top of the layers: it may use every app, and no app imports it."""

    name = "devtools"
    verbose_name = "Demo data and benchmarks"
