"""The checks, in the order they run.

Each check is a module with a docstring (what it finds, why it hurts a live
call, a bad and a good example), the tuple ``CODES`` of codes it reports,
``LOCAL`` (whether it may run on part of a flow, see ``LOCAL_CHECKS``) and
a ``run(ctx)`` generator of diagnostics.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from . import (
    action_loop,
    branch_keys,
    branches,
    call_duration,
    choices,
    contexts,
    control_chars,
    duplicate_steps,
    durations,
    events,
    flow_names,
    keys,
    max_length,
    methods,
    nesting,
    nouns,
    pay_action,
    phone_numbers,
    play_digits,
    post_to_static,
    ranges,
    record_labels,
    references,
    reject_first,
    required,
    sids,
    sip_uris,
    ssml_measures,
    ssml_values,
    step_cycles,
    time_limit,
    transcription,
    unreachable_steps,
    unreachable_verbs,
    urls,
    values,
    websocket_urls,
)
from .base import CheckContext

CHECKS = (
    flow_names,
    duplicate_steps,
    references,
    nesting,
    nouns,
    required,
    unreachable_verbs,
    action_loop,
    step_cycles,
    unreachable_steps,
    reject_first,
    call_duration,
    max_length,
    keys,
    record_labels,
    events,
    methods,
    durations,
    time_limit,
    values,
    ranges,
    choices,
    phone_numbers,
    sip_uris,
    websocket_urls,
    sids,
    ssml_values,
    ssml_measures,
    urls,
    play_digits,
    control_chars,
    transcription,
    contexts,
    post_to_static,
    pay_action,
    branches,
    branch_keys,
)


# The checks that find on part of a flow only what they would find on the
# whole flow: each says so with ``LOCAL = True``. They judge each verb, each
# step's lines or each setting by itself (or, like duplicate_steps, compare
# only what is there), and read nothing that a missing line could change:
# not references, the graph, the entry step, nor a setting to judge a verb.
# They alone run on what parsed of a file with syntax errors; a check that
# needs the whole flow would report false problems about the missing lines.
# tests/test_local_checks.py runs every check on the parts of many flows (each
# step alone, the settings alone, a step, verb or setting left out) and holds
# each declaration to this, in both directions.
LOCAL_CHECKS = tuple(check for check in CHECKS if check.LOCAL)


def run_checks(ctx: CheckContext, checks=CHECKS) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for check in checks:
        found.extend(check.run(ctx))
    return found


__all__ = ["CHECKS", "LOCAL_CHECKS", "CheckContext", "run_checks"]
