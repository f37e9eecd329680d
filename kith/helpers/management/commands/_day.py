from datetime import date

from django.core.management.base import CommandError


def parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (use YYYY-MM-DD): {value}") from exc
