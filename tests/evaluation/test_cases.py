"""The eval case model: strict fields, gold clauses required for in-scope cases."""

import pytest
from pydantic import ValidationError

from assistant.evaluation import EvalCase


def test_eval_case_forbids_extra_fields_and_checks_gold():
    with pytest.raises(ValidationError):
        EvalCase(id="x", question="q", gold=["1.C.4"], kind="dilemma", persona="mentor", extra=1)
    with pytest.raises(ValidationError):
        EvalCase(id="x", question="q", gold=[], kind="dilemma", persona="mentor")
