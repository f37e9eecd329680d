"""Django system checks for the outbox's configuration."""

from typing import Any

from django.core import checks


@checks.register(checks.Tags.compatibility)
def notify_template_ids_check(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """Refuse ``NOTIFY_TEMPLATE_IDS`` in any shape but one id per template
    name and channel: with one id per name, every message whose channel
    differs from that template's type would be refused by Notify."""
    from kith.notify.catalogue import configured_ids, shape_problems

    return [
        checks.Error(
            problem,
            hint="See docs/notify.md for the shape and every name and channel.",
            id="kith.notify.E001",
        )
        for problem in shape_problems(configured_ids())
    ]
