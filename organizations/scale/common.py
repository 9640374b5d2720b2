"""What every part of the scale dataset shares: chunks, the scale credit
codes that number the organisations, and fast random choices."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Sequence

from organizations import demo
from organizations.creditcode import ALPHABET, check_character

CHUNK = 5000
AS_OF = demo.AS_OF
# The organisation-code part of every scale credit code starts with this,
# then the organisation's number in five base-31 characters: a scale
# organisation is recognised, and its number read back, from its code alone.
# (The demo's random codes never start so; a test checks it.) Kept in the
# demo module, which must recognise them too and may not import this one.
MARKER = demo.SCALE_MARKER
_NUMBER_DIGITS = 5
MAX_ORGANIZATIONS = len(ALPHABET) ** _NUMBER_DIGITS - 1


def scale_number_code(number: int) -> str:
    if not 1 <= number <= MAX_ORGANIZATIONS:
        raise ValueError(f"scale organisations are numbered 1 to {MAX_ORGANIZATIONS}")
    digits = []
    for _ in range(_NUMBER_DIGITS):
        number, rest = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[rest])
    # The alphabet is in ASCII order, so codes sort as their numbers do.
    return "".join(reversed(digits))


def number_of(code_part: str) -> int:
    number = 0
    for ch in code_part:
        number = number * len(ALPHABET) + ALPHABET.index(ch)
    return number


def credit_code(number: int, category: str, division: str) -> str:
    body = demo.CREDIT_PREFIX[category] + division + MARKER + scale_number_code(number)
    return body + check_character(body)


class Weighted:
    """A weighted choice with its cumulative weights computed once."""

    def __init__(self, items: Sequence, weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def pick(rng: random.Random, seq: Sequence):
    return seq[int(rng.random() * len(seq))]


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return dt.date.fromordinal(first.toordinal() + int(rng.random() * (last.toordinal() - first.toordinal() + 1)))


def chunk_rng(chunk: int, part: str) -> random.Random:
    return random.Random(f"{demo.SEED}:scale:{chunk}:{part}")
