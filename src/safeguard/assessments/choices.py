"""The life of a stored assessment: a draft while answers are being coded, then a completed snapshot."""

from django.db import models


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"
