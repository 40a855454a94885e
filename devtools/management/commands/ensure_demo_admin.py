import os

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand

from accounts.models import User


class Command(BaseCommand):
    help = "Create the local demo admin (quick start only) and print its login."

    def handle(self, *args, **options):
        email = os.environ.get("DEMO_ADMIN_EMAIL", "admin@example.com")
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "change-me-admin")
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_superuser(email=email, password=password, name="Demo admin")
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            self.stdout.write(self.style.SUCCESS("Created the demo admin."))
        self.stdout.write(
            f"Admin: http://127.0.0.1:8000/admin/  email {email}  password {password}"
            " (unless you changed it)"
        )
