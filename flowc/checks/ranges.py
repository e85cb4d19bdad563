"""Numbers and durations outside the range Twilio documents for them.

The vocabulary gives each such option of the newer verbs and nouns its range:
`max-participants` of a conference is 2 to 250, `max-queue-size` of an
enqueue 1 to 5000, `max-attempts` of a pay 1 to 3, `machine-detection-timeout`
3 to 59 seconds, and so on. Twilio rejects the document, or ignores the value,
outside it.

Bad::

    dial:
        conference standup max-participants 500

Good::

    dial:
        conference standup max-participants 250
"""

from __future__ import annotations

from .. import ir, vocabulary
from ..codes import report
from .base import CheckContext, option_table

CODES = ("FL311",)
LOCAL = True  # sees one verb or one step at a time
# The options with a range, by verb.
RANGED = option_table(lambda option: option.minimum is not None or option.maximum is not None)


def _amount(value: object) -> int | None:
    if isinstance(value, ir.Duration):
        return value.seconds
    if isinstance(value, ir.Number):
        return value.value
    return None


def _unit(option: vocabulary.Option) -> str:
    return " s" if option.shape is not vocabulary.Shape.NUMBER else ""


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, RANGED):
            for option in RANGED[verb.name]:
                value = verb.get(option.field)
                amount = _amount(value)
                if amount is None:
                    continue
                low, high = option.minimum, option.maximum
                if (low is not None and amount < low) or (high is not None and amount > high):
                    unit = _unit(option)
                    if high is None:
                        allowed = f"at least {low}{unit}"
                    elif low is None:
                        allowed = f"at most {high}{unit}"
                    else:
                        allowed = f"from {low}{unit} to {high}{unit}"
                    yield report(
                        "FL311",
                        f"`{option.name}` on `{verb.name}` is {amount}{unit}; Twilio accepts {allowed}",
                        value.span,
                    )
