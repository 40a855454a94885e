import os

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.roles import EDITORS, sync_editor_group


class Command(BaseCommand):
    help = "Create the local demo editor, staff in the Editors group (quick start only)."

    def handle(self, *args, **options):
        email = os.environ.get("DEMO_EDITOR_EMAIL", "editor@example.com")
        password = os.environ.get("DEMO_EDITOR_PASSWORD", "change-me-editor")
        sync_editor_group()
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=password, name="Demo editor", is_staff=True
            )
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            self.stdout.write(self.style.SUCCESS("Created the demo editor."))
        user.groups.add(Group.objects.get(name=EDITORS))
        self.stdout.write(
            f"Editor: http://127.0.0.1:8000/admin/  email {email}  password {password}"
            " (unless you changed it)"
        )
