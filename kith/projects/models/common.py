"""What the models of projects share."""

import uuid

from django.db import models


def _uuid_field() -> models.UUIDField:
    return models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
