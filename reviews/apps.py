from django.apps import AppConfig
from django.db.models.signals import post_save


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Spaced repetition"

    def ready(self):
        # The course app owns lessons and must not import reviews: reviews listens.
        from course.models import Lesson

        from .services import key_point_cards_refresh

        def lesson_saved(sender, instance, update_fields=None, **kwargs):
            if update_fields is None or "key_points" in update_fields:
                key_point_cards_refresh(lesson=instance)

        post_save.connect(lesson_saved, sender=Lesson, dispatch_uid="reviews-key-points")
