"""The checks, in the order they run.

Each check is a module with a docstring (what it finds, why it hurts a live
call, a bad and a good example), the tuple ``CODES`` of codes it reports,
``LOCAL`` (whether it sees only one verb or step at a time) and a
``run(ctx)`` generator of diagnostics.
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
    step_cycles,
    transcription,
    unreachable_steps,
    unreachable_verbs,
    urls,
    values,
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
    values,
    ranges,
    choices,
    phone_numbers,
    sip_uris,
    sids,
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


# The checks that look at one verb, or one step's sequence of verbs, at a
# time and use nothing of the flow beyond it (no references, no graph, no
# settings, not the entry step): each says so with ``LOCAL = True``. They
# alone run on what parsed of a file with syntax errors: a check that needs
# the whole flow would report false problems about the lines that are missing.
LOCAL_CHECKS = tuple(check for check in CHECKS if check.LOCAL)


def run_checks(ctx: CheckContext, checks=CHECKS) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for check in checks:
        found.extend(check.run(ctx))
    return found


__all__ = ["CHECKS", "LOCAL_CHECKS", "CheckContext", "run_checks"]
