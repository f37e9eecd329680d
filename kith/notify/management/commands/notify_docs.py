from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from kith.notify.docs import notify_doc

DOC = Path(settings.BASE_DIR) / "docs" / "notify.md"


class Command(BaseCommand):
    help = (
        "Write docs/notify.md from the message templates (kith/notify/"
        "templates_text.py): each template's wording and personalisation fields, "
        "ready to paste into GOV.UK Notify. With --check, fail if it is out of date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        text = notify_doc()
        if options["check"]:
            if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
                raise SystemExit(
                    "docs/notify.md is out of date: run manage.py notify_docs"
                )
            self.stdout.write("docs/notify.md is up to date.")
            return
        DOC.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {DOC}.")
