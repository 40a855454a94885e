from django.apps import AppConfig

from accounts.hooks import signup_page
from lib.content import register_loader


class CourseConfig(AppConfig):
    name = "course"
    verbose_name = "Courses"

    def ready(self) -> None:
        # The loader uses the models, which can be imported only once apps are ready.
        from .content_loader import load_courses  # noqa: PLC0415
        from .selectors import signup_role_for  # noqa: PLC0415

        register_loader("courses", load_courses)
        # Arriving from the CPD course, a visitor signs up as a health professional.
        signup_page.register(signup_role_for)
