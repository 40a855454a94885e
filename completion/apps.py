from django.apps import AppConfig


class CompletionConfig(AppConfig):
    name = "completion"
    verbose_name = "Completion and certificates"

    def ready(self) -> None:
        # The course and quiz apps announce progress; this app decides completion.
        from . import receivers  # noqa: F401, PLC0415 (registers receivers once apps load)
