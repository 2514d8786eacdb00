"""Golden comparison of round-trip floats: the one place the tests allow a number to differ.

`cajal` writes a learned parameter with 17 significant digits, so that reading it back gives the
same double (`train`'s header line, `--extract`'s tables). Its last bits depend on the machine
that trained it, not only on the program: Eigen sums a product in a different order with AVX2
than with AVX-512 (CAJAL_NATIVE builds for the machine they are on), and a different order
rounds differently. Two texts are therefore *equal up to round-off* when, split into numbers and
the text between them,
  - the text between the numbers is the same, and
  - each pair of numbers is written the same, or both are written with at least 15 significant
    digits (the round-trip form, never a figure chosen for display) and agree to a relative
    1e-12: a few hundred units in the last place of a double, and 10 000 times coarser than the
    first digit a rounding difference can reach after a short training run.
Every other number (a count, a loss printed with 6 digits, an exit code) must be written the same.

Python standard library only (the doc tests run with `python3 -S`).
"""
import re

NUMBER = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)")
ROUND_TRIP_DIGITS = 15
RELATIVE = 1e-12


def significant_digits(number):
    mantissa = re.split(r"[eE]", number)[0].lstrip("-").replace(".", "").lstrip("0")
    return len(mantissa)


def same_number(want, got):
    if want == got:
        return True
    if min(significant_digits(want), significant_digits(got)) < ROUND_TRIP_DIGITS:
        return False
    a, b = float(want), float(got)
    return abs(a - b) <= RELATIVE * max(abs(a), abs(b))


def equal_up_to_round_off(want, got):
    """True when `got` is `want` but for round-trip floats that agree to a relative 1e-12."""
    if want == got:
        return True
    w, g = NUMBER.split(want), NUMBER.split(got)
    if len(w) != len(g):
        return False
    # re.split with one group alternates text (even indices) and numbers (odd indices).
    return all((x == y) if k % 2 == 0 else same_number(x, y) for k, (x, y) in enumerate(zip(w, g)))
