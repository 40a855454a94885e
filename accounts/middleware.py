from django.utils import timezone


class UserTimeZoneMiddleware:
    """Dates and times on pages are shown in the signed-in learner's own time zone (the
    one their reviews and reminders already follow); UTC for everyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
