"""Value provenance: what each value of a trace is a function of.

Alongside its exact value, every value carries a *signature*: the same computation carried out
in a prime field on random stand-ins for the question's quantities (two independent draws).
Constants stand for themselves. Two values with equal signatures are, with overwhelming
probability, the same formula of the question's quantities (the Schwartz-Zippel lemma), so:

* a value whose signature equals that of one given quantity merely passes that quantity along,
  however it was dressed up: ``add [x, 1, -1]``, ``mul [x, 2, 1/2]``, ``add 7`` then ``sub 7``,
  an entity that receives ``x`` on top of a computed 0;
* a value whose two signatures agree does not depend on the question at all (it is built from
  constants alone, or the question's quantities cancel out).

Steps the field cannot express (``floor``, ``mod``, ...) give a fresh stand-in derived from their
operands' signatures, so they depend on the question exactly when their operands do. ``min`` and
``max`` pass along the signature of the operand they select. The stand-ins are a deterministic
function of the question and the value, so grading is reproducible.
"""

from __future__ import annotations

import hashlib
from fractions import Fraction

from .memo import remembered

PRIME = (1 << 61) - 1  # a Mersenne prime: the field GF(PRIME)
DRAWS = 2  # independent stand-ins per quantity

Sig = tuple[int, ...]  # one field element per draw


def _field(value: Fraction | int) -> int:
    if type(value) is int:
        return value % PRIME
    value = Fraction(value)
    return value.numerator % PRIME * pow(value.denominator % PRIME, -1, PRIME) % PRIME


@remembered(4096)
def constant(value: Fraction | int) -> Sig:
    """The signature of a fixed number: itself, in every draw."""
    x = _field(value)
    return (x,) * DRAWS


@remembered(4096)
def _salt(question: str | None) -> bytes:
    return hashlib.blake2b((question or "").encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _hash(*parts: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(b"\x00".join(parts), digest_size=8).digest(), "big") % PRIME


@remembered(65_536)
def quantity(question: str | None, key: Fraction | int | str) -> Sig:
    """The stand-in for a given quantity, keyed by a name ("#3": the question's third quantity) or
    by a value (equal values are one quantity)."""
    if not isinstance(key, str):
        value = Fraction(key)
        key = f"{value.numerator}/{value.denominator}"
    salt = _salt(question)
    return tuple(_hash(salt, key.encode(), bytes([draw])) for draw in range(DRAWS))


def opaque(op: str, *args: Sig) -> Sig:
    """A step the field cannot express: a stand-in that depends on exactly what its operands do."""
    return tuple(_hash(op.encode(), *(a[draw].to_bytes(8, "big") for a in args)) for draw in range(DRAWS))


def add(args: list[Sig]) -> Sig:
    return tuple(sum(a[d] for a in args) % PRIME for d in range(DRAWS))


def sub(a: Sig, b: Sig) -> Sig:
    return tuple((a[d] - b[d]) % PRIME for d in range(DRAWS))


def mul(args: list[Sig]) -> Sig:
    out = []
    for d in range(DRAWS):
        x = 1
        for a in args:
            x = x * a[d] % PRIME
        out.append(x)
    return tuple(out)


def div(a: Sig, b: Sig) -> Sig:
    if 0 in b:  # a chance zero of the stand-in (the exact run has already refused a real one)
        return opaque("div", a, b)
    return tuple(a[d] * pow(b[d], -1, PRIME) % PRIME for d in range(DRAWS))


def power(a: Sig, exponent: int) -> Sig:
    if exponent < 0 and 0 in a:
        return opaque("pow", a, constant(exponent))
    return tuple(pow(a[d], exponent, PRIME) for d in range(DRAWS))


def scale(a: Sig, factor: Fraction | int) -> Sig:
    f = _field(factor)
    return tuple(a[d] * f % PRIME for d in range(DRAWS))


def depends_on_question(sig: Sig) -> bool:
    """Whether the value changes when the question's quantities do."""
    return any(x != sig[0] for x in sig[1:])
