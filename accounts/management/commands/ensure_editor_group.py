from django.core.management.base import BaseCommand

from accounts.roles import EDITORS, sync_editor_group


class Command(BaseCommand):
    help = "Create the Editors group, or bring its permissions in step with accounts.roles."

    def handle(self, *args, **options):
        sync_editor_group()
        self.stdout.write(self.style.SUCCESS(f"The {EDITORS} group is up to date."))
