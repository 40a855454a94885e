from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self) -> None:
        from . import receivers  # noqa: F401, PLC0415 (adds to the course pages once apps load)
