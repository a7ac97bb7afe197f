"""Pure scoring engine for the risk and need instruments: no Django, typed inputs, explained results.

Use the registry functions re-exported here; each instrument module holds one instrument's
tables, with their source and verification status beside them.
"""

from safeguard.instruments.base import InstrumentMetadata, TableInfo
from safeguard.instruments.registry import (
    UnknownInstrumentError,
    example_input,
    get,
    input_schema,
    instrument_ids,
    list_instruments,
    metadata,
    score,
    score_many,
)
from safeguard.instruments.result import FieldError, ItemExplanation, Result

__all__ = [
    "FieldError",
    "InstrumentMetadata",
    "ItemExplanation",
    "Result",
    "TableInfo",
    "UnknownInstrumentError",
    "example_input",
    "get",
    "input_schema",
    "instrument_ids",
    "list_instruments",
    "metadata",
    "score",
    "score_many",
]
