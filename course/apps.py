from django.apps import AppConfig


class CourseConfig(AppConfig):
    name = "course"
    verbose_name = "Courses"

    def ready(self):
        from lib.content import register_loader

        from .content_loader import load_courses

        register_loader("courses", load_courses)
