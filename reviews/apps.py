from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Spaced repetition"

    def ready(self) -> None:
        # The course and quiz apps must not import reviews: reviews listens to them.
        from . import receivers  # noqa: F401, PLC0415 (models are ready only now)
