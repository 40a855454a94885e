from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Make the folders of the quick start's filesystem Celery broker (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        folders = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        wanted = {
            Path(folders[key])
            for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
            if key in folders
        }
        if not wanted:
            self.stdout.write("The broker is not the filesystem one (REDIS_URL is set).")
            return
        for folder in sorted(wanted):
            folder.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Broker folders ready in {settings.CELERY_BROKER_DIR}.")
