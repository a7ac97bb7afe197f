"""Sentencing-guideline engine (pure Python, no Django): guideline data, steps and notification periods.

Entry points for the Django app, the API and the command line:

* `calculate_from_dict(data) -> SentencingResult | Problems` — parse a JSON request and calculate;
  `result.to_dict()` / `problems.to_dict()` give the JSON bodies.
* `request_from_dict`, `calculate(request)`, `request_json_schema()`, `list_guidelines()`.
* `calculate_case_from_dict(data) -> CaseResult | Problems` — a case of one or more offences (the
  first is the lead; the others concurrent, consecutive or no separate penalty) and its total;
  `calculate_any_from_dict` takes either form.
* `notification_period(...)` and `notification_from_dict(data)` for the s.82 period on its own.
"""

from safeguard.calendar.durations import Duration, Unit
from safeguard.guidelines.case import (
    CaseOffence,
    CaseRequest,
    CaseResult,
    Relation,
    TotalityInput,
    calculate_any_from_dict,
    calculate_case,
    calculate_case_from_dict,
    case_from_dict,
    is_case_data,
)
from safeguard.guidelines.engine import calculate, calculate_from_dict, list_guidelines
from safeguard.guidelines.errors import GuidelineDataError, GuidelineError, Problem, Problems
from safeguard.guidelines.facts import Evidence, Status
from safeguard.guidelines.loader import default_library, load_library
from safeguard.guidelines.model import GuidelineLibrary
from safeguard.guidelines.notification import (
    Disposal,
    NotificationRequest,
    NotificationResult,
    notification_from_dict,
    notification_period,
    notification_request_from_dict,
)
from safeguard.guidelines.request import (
    CommunityOrderInput,
    Court,
    PleaInput,
    Requirement,
    SentencingRequest,
    ShpoInput,
    SuspensionInput,
    ThresholdAnswers,
    request_from_dict,
)
from safeguard.guidelines.result import SentencingResult
from safeguard.guidelines.rules import PleaStage
from safeguard.guidelines.schema import (
    calculation_json_schema,
    case_request_json_schema,
    notification_request_json_schema,
    request_json_schema,
)
from safeguard.guidelines.sentences import CommunityLevel, Sentence, SentenceKind

__all__ = [
    "CaseOffence",
    "CaseRequest",
    "CaseResult",
    "CommunityLevel",
    "CommunityOrderInput",
    "Court",
    "Disposal",
    "Duration",
    "Evidence",
    "GuidelineDataError",
    "GuidelineError",
    "GuidelineLibrary",
    "NotificationRequest",
    "NotificationResult",
    "PleaInput",
    "PleaStage",
    "Problem",
    "Problems",
    "Relation",
    "Requirement",
    "Sentence",
    "SentenceKind",
    "SentencingRequest",
    "SentencingResult",
    "ShpoInput",
    "Status",
    "SuspensionInput",
    "ThresholdAnswers",
    "TotalityInput",
    "Unit",
    "calculate",
    "calculate_any_from_dict",
    "calculate_case",
    "calculate_case_from_dict",
    "calculate_from_dict",
    "calculation_json_schema",
    "case_from_dict",
    "case_request_json_schema",
    "default_library",
    "is_case_data",
    "list_guidelines",
    "load_library",
    "notification_from_dict",
    "notification_period",
    "notification_request_from_dict",
    "notification_request_json_schema",
    "request_from_dict",
    "request_json_schema",
]
