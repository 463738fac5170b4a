"""The scoring rules as pure functions over exact numbers (docs/rules.md).

Sums and products of entered points are exact ``Decimal`` arithmetic (the
``EXACT`` context traps anything inexact); a division makes a ``Ratio`` (two
integers, the quotient never computed) or a ``Fraction``, so a mean is exact
too and is rounded once, from the exact value; only square roots
(normalisation, correlation) use ``ROOT``, a fixed 50-digit context. No
function here reads the global decimal context, so every machine computes
the same figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from fractions import Fraction
from functools import reduce
from operator import itemgetter
from typing import Literal, NamedTuple, TypeVar

from events.catalog import Aggregation, AwardTier, Criterion, Rounding

EXACT = Context(
    prec=60,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[Inexact, InvalidOperation, DivisionByZero, Overflow],
)
"""Sums and products of entered numbers: an inexact result is a bug, so it raises."""

ROOT = Context(
    prec=50,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
"""Square roots and the divisions around them: 50 significant digits, half-even."""

NORMALISED_PLACES = 10
"""Decimal places a normalised total is rounded to (half-even) before use."""

DropReason = Literal["trimmed_low", "trimmed_high", "not_closest"]
Key = TypeVar("Key")


_ZERO = Decimal(0)
# EXACT's own methods, rather than ``localcontext(EXACT)``: switching the
# thread's context costs more than a board's additions.
_add = EXACT.add
_multiply = EXACT.multiply


def judge_total(criteria: Sequence[Criterion], points: Mapping[str, Decimal]) -> Decimal:
    """Σ weight × points over the scoresheet's criteria (exact)."""
    return reduce(_add, [_multiply(c.weight, points[c.key]) for c in criteria], _ZERO)


def judge_totals(
    criteria: Sequence[Criterion], sheets: Iterable[Mapping[str, Decimal]]
) -> list[Decimal]:
    """``judge_total`` of many sheets."""
    keys = [c.key for c in criteria]
    weights = [c.weight for c in criteria]
    if len(keys) < 2:
        return [judge_total(criteria, points) for points in sheets]
    pick = itemgetter(*keys)  # a tuple of the points, in the scoresheet's order
    if all(weight == 1 for weight in weights):
        return [reduce(_add, pick(points), _ZERO) for points in sheets]
    return [reduce(_add, map(_multiply, weights, pick(points)), _ZERO) for points in sheets]


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """The exact sum of ``values``."""
    return reduce(_add, values, _ZERO)


class Ratio(NamedTuple):
    """An exact quotient ``numerator / denominator`` (denominator > 0), not
    reduced: made and rounded with a few integer operations, where a
    ``Fraction`` would reduce by their gcd at every step."""

    numerator: int
    denominator: int

    @classmethod
    def of(cls, value: Decimal) -> Ratio:
        numerator, denominator = value.as_integer_ratio()
        return cls(numerator, denominator)

    def fraction(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)

    def times(self, weight: Decimal) -> Ratio:
        numerator, denominator = weight.as_integer_ratio()
        return Ratio(self.numerator * numerator, self.denominator * denominator)


def mean_ratio(values: Sequence[Decimal]) -> Ratio:
    """The exact arithmetic mean of at least one value."""
    numerator, denominator = exact_sum(values).as_integer_ratio()
    return Ratio(numerator, denominator * len(values))


def median_ratio(values: Sequence[Decimal]) -> Ratio:
    """The middle value; for an even count the mean of the two middle ones."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Ratio.of(ordered[middle])
    return mean_ratio(ordered[middle - 1 : middle + 1])


def median(values: Sequence[Decimal]) -> Fraction:
    """The middle value; for an even count the mean of the two middle ones."""
    return median_ratio(values).fraction()


@dataclass(frozen=True, slots=True)
class Aggregated:
    """The result of one aggregation: the value and which marks were dropped."""

    ratio: Ratio
    dropped: dict[str, DropReason]

    @property
    def value(self) -> Fraction:
        return self.ratio.fraction()


def minimum_count(method: Aggregation, trim: int) -> int:
    """The fewest counted marks ``method`` can work with."""
    if method == "trimmed_mean":
        return 2 * trim + 1
    if method == "closest_pair":
        return 2
    return 1


_value = itemgetter(1)


def aggregate(marks: Mapping[str, Decimal], method: Aggregation, trim: int) -> Aggregated:
    """Aggregate the counted ``marks`` (judge → total) with ``method``.

    Marks are ordered by (value, judge id) so that which of two equal marks
    is dropped does not depend on arrival order. The caller checks
    ``minimum_count`` and the quorum first.
    """
    ordered = sorted(marks.items())
    ordered.sort(key=_value)  # stable: equal values stay in judge order
    values = [value for _, value in ordered]
    if method == "mean":
        return Aggregated(mean_ratio(values), {})
    if method == "median":
        return Aggregated(median_ratio(values), {})
    if method == "trimmed_mean":
        dropped: dict[str, DropReason] = {}
        if trim:
            dropped.update((judge, "trimmed_low") for judge, _ in ordered[:trim])
            dropped.update((judge, "trimmed_high") for judge, _ in ordered[-trim:])
        return Aggregated(mean_ratio(values[trim : len(values) - trim]), dropped)
    best = closest_pair(values)
    kept = {best, best + 1}
    return Aggregated(
        mean_ratio(values[best : best + 2]),
        {judge: "not_closest" for index, (judge, _) in enumerate(ordered) if index not in kept},
    )


def closest_pair(ordered: Sequence[Decimal]) -> int:
    """Index of the first of the two adjacent sorted values closest together;
    among equal gaps the higher pair wins."""
    best = 0
    for index in range(1, len(ordered) - 1):
        if ordered[index + 1] - ordered[index] <= ordered[best + 1] - ordered[best]:
            best = index
    return best


def normalise(totals: Mapping[Key, Decimal], maximum: Decimal) -> dict[Key, Decimal]:
    """One judge's totals as z-scores over the contestants they scored,
    rescaled so that the mean sits at ``maximum / 2`` and one standard
    deviation spans ``maximum / 6`` (population deviation; a judge with one
    mark or no spread gets ``maximum / 2`` everywhere)."""
    middle = EXACT.divide(maximum, Decimal(2))
    if not totals:
        return {}
    count = Decimal(len(totals))
    centre = ROOT.divide(exact_sum(totals.values()), count)
    squares = exact_sum(ROOT.power(ROOT.subtract(value, centre), 2) for value in totals.values())
    deviation = ROOT.sqrt(ROOT.divide(squares, count))
    quantum = Decimal(1).scaleb(-NORMALISED_PLACES)
    if deviation.is_zero():
        return dict.fromkeys(totals, middle.quantize(quantum, context=ROOT))
    step = ROOT.divide(maximum, Decimal(6))
    return {
        key: ROOT.add(
            middle, ROOT.multiply(ROOT.divide(ROOT.subtract(value, centre), deviation), step)
        ).quantize(quantum, context=ROOT)
        for key, value in totals.items()
    }


def round_to(value: Fraction | Ratio, decimals: int, rule: Rounding) -> Decimal:
    """``value`` rounded to ``decimals`` places: half away from zero
    (``half_up``) or to the even neighbour (``half_even``); fixed-point form."""
    # A Ratio is a tuple; asking whether it is a Fraction goes through the
    # numbers ABCs' instance check, dearer than the rounding itself.
    numerator, denominator = (
        value if isinstance(value, tuple) else (value.numerator, value.denominator)
    )
    quotient, remainder = divmod(abs(numerator) * 10**decimals, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and (rule == "half_up" or quotient % 2 == 1)):
        quotient += 1
    sign = "-" if numerator < 0 and quotient else ""
    return Decimal(f"{sign}{quotient}E-{decimals}")


def composite(components: Sequence[tuple[Decimal, Fraction]]) -> Fraction:
    """Σ weight × component, exact."""
    return sum((Fraction(weight) * value for weight, value in components), Fraction(0))


def composite_ratio(components: Sequence[tuple[Decimal, Ratio]]) -> Ratio:
    """Σ weight × component, exact."""
    numerator, denominator = 0, 1
    for weight, (value_numerator, value_denominator) in components:
        # Ratio.times, then Ratio.plus, on plain integers (one result each)
        weight_numerator, weight_denominator = weight.as_integer_ratio()
        term_numerator = value_numerator * weight_numerator
        term_denominator = value_denominator * weight_denominator
        if term_denominator == denominator:
            numerator += term_numerator
        else:
            numerator = numerator * term_denominator + term_numerator * denominator
            denominator *= term_denominator
    return Ratio(numerator, denominator)


def competition_ranks(keys: Sequence[object]) -> list[int]:
    """Standard competition ranks (1, 2, 2, 4) of ``keys`` already sorted best
    first; equal keys share the better rank."""
    ranks: list[int] = []
    for index, key in enumerate(keys):
        if index and key == keys[index - 1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(index + 1)
    return ranks


def share_count(share: Decimal, size: int) -> int:
    """half-up of share × size: how many places a share tier gives."""
    return int(round_to(Fraction(share) * size, 0, "half_up"))


def top_with_ties(ranked: Sequence[tuple[str, int]], count: int) -> list[str]:
    """The first ``count`` of ``ranked`` (id, rank; best first), plus everyone
    tied with the last of them: ties at the cut take the better tier."""
    chosen: list[str] = []
    group_start = 0
    for index, (ident, rank) in enumerate(ranked):
        if index and rank != ranked[index - 1][1]:
            group_start = index
        if group_start >= count:
            break
        chosen.append(ident)
    return chosen


def bottom_without_ties(ranked: Sequence[tuple[str, int]], count: int) -> list[str]:
    """The last ``count`` of ``ranked``, minus a tie group that straddles the
    cut: those tied at the cut keep the better tier."""
    chosen: list[str] = []
    index = len(ranked)
    while index:
        start = index - 1
        while start and ranked[start - 1][1] == ranked[index - 1][1]:
            start -= 1
        if len(ranked) - start > count:
            break
        chosen.extend(ident for ident, _ in ranked[start:index])
        index = start
    return chosen


def tier_size(tier: AwardTier, field: int) -> int | None:
    """Places the tier gives in a field of ``field`` ranked contestants
    (``None``: a rank tier without a count takes everyone left)."""
    if tier.by == "share":
        return share_count(tier.share if tier.share is not None else Decimal(0), field)
    return tier.count


def give_awards(
    tiers: Sequence[AwardTier],
    overall: Sequence[tuple[str, int]],
    by_group: Mapping[str, Sequence[tuple[str, int]]],
) -> dict[str, AwardTier]:
    """Each ranked contestant's award: tiers in list order, each over the
    contestants not yet awarded, within each group or overall (see
    docs/rules.md, "Awards")."""
    given: dict[str, AwardTier] = {}
    for tier in tiers:
        fields = [overall] if tier.scope == "overall" else list(by_group.values())
        for field in fields:
            left = [(ident, rank) for ident, rank in field if ident not in given]
            size = tier_size(tier, len(field))
            if size is None:
                chosen = [ident for ident, _ in left]
            elif tier.from_bottom:
                chosen = bottom_without_ties(left, size)
            else:
                chosen = top_with_ties(left, size)
            given.update((ident, tier) for ident in chosen)
    return given


def advancing(
    count: int,
    fields: Iterable[Sequence[tuple[str, int]]],
    excluded: Callable[[str], bool],
) -> list[str]:
    """The best ``count`` of each field (ties at the cut all advance), leaving
    out the contestants ``excluded`` says are eliminated."""
    chosen: list[str] = []
    for field in fields:
        chosen.extend(top_with_ties([(i, r) for i, r in field if not excluded(i)], count))
    return chosen


def spearman(pairs: Sequence[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Spearman's rank correlation of ``pairs`` (Pearson correlation of the
    average ranks, so ties are handled), 50 digits; ``None`` for fewer than
    three pairs (two give ±1 whatever the marks: a final's judge with two
    sheets read as contrary, −1.0) or no variation on a side."""
    if len(pairs) < 3:
        return None
    left = average_ranks([a for a, _ in pairs])
    right = average_ranks([b for _, b in pairs])
    n = len(pairs)
    mean_left, mean_right = sum(left, Fraction(0)) / n, sum(right, Fraction(0)) / n
    cov = sum(
        ((a - mean_left) * (b - mean_right) for a, b in zip(left, right, strict=True)),
        Fraction(0),
    )
    var_left = sum(((a - mean_left) ** 2 for a in left), Fraction(0))
    var_right = sum(((b - mean_right) ** 2 for b in right), Fraction(0))
    if not var_left or not var_right:
        return None
    spread = ROOT.multiply(ROOT.sqrt(to_decimal(var_left)), ROOT.sqrt(to_decimal(var_right)))
    return ROOT.divide(to_decimal(cov), spread)


def to_decimal(value: Fraction) -> Decimal:
    """``value`` to 50 significant digits (exact when it terminates within them)."""
    return ROOT.divide(Decimal(value.numerator), Decimal(value.denominator))


def average_ranks(values: Sequence[Decimal]) -> list[Fraction]:
    """Ranks 1..n of ``values`` ascending, tied values sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [Fraction(0)] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        shared = Fraction(start + end + 2, 2)
        for position in range(start, end + 1):
            ranks[order[position]] = shared
        start = end + 1
    return ranks
