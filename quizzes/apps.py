from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self):
        from lib.content import register_loader

        from .content import load_quizzes

        register_loader("quizzes", load_quizzes)
