from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from course.content_loader import CONTENT_DIR, load_content


class Command(BaseCommand):
    help = "Load the shipped courses from course/content/ (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=CONTENT_DIR,
            help="The content folder (default: course/content).",
        )

    def handle(self, *args: Any, path: Path, verbosity: int, **options: Any) -> None:
        if not path.is_dir():
            raise CommandError(f"{path} is not a folder")
        report = load_content(path)
        if verbosity >= 2:
            for label in report.created:
                self.stdout.write(f"created {label}")
        for label in report.updated:
            self.stdout.write(f"updated {label}")
        self.stdout.write(
            f"{len(report.created)} created, {len(report.updated)} updated, "
            f"{report.unchanged} unchanged."
        )
        if report.errors:
            for error in report.errors:
                self.stderr.write(self.style.ERROR(str(error)))
            raise CommandError(
                f"{len(report.errors)} file(s) could not be loaded; nothing from them was saved."
            )
