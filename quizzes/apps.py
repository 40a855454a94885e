from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self):
        from lib.content import register_loader

        from .content import load_quizzes
        from .painmap import check_pain_map

        register_loader("quizzes", load_quizzes)
        register_loader("pain map", check_pain_map)
