from django.apps import AppConfig

from lib.content import register_loader


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self) -> None:
        # These modules use the models, which can be imported only once apps are ready.
        from course.revisions import register  # noqa: PLC0415

        from . import receivers  # noqa: F401, PLC0415 (adds to the course pages)
        from .content import load_quizzes  # noqa: PLC0415
        from .painmap import check_pain_map  # noqa: PLC0415
        from .revisions import QuestionVersioned  # noqa: PLC0415
        from .sources import check_sources  # noqa: PLC0415

        # After the course loader: questions link to lessons anywhere in their course, and
        # their options to the sources of pain, which point to lessons too.
        register_loader("sources", check_sources)
        register_loader("quizzes", load_quizzes)
        register_loader("pain map", check_pain_map)
        # A live question's edits go to a draft, published as one change.
        register(QuestionVersioned())
