"""Word lists that fill pattern templates: people, countable things, prices, places.

Kept deliberately broad (the seed had ~90 names and ~50 items and the model memorised the
surface). Every entry is plain ASCII so that variable names derived from it are valid
trace identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    name: str
    he: str
    him: str
    his: str

    @property
    def var(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Thing:
    """A countable noun; `lo`/`hi` is a sensible unit price range in dollars."""

    singular: str
    plural: str
    lo: int = 1
    hi: int = 20

    @property
    def var(self) -> str:
        return self.plural.replace(" ", "_").replace("-", "_")


_SHE = ("she", "her", "her")
_HE = ("he", "him", "his")

_FEMALE = ["Maria", "Ana", "Lucia", "Priya", "Chloe", "Hana", "Aisha", "Grace", "Nora", "Mei", "Sofia", "Zara", "Ivy", "Elena", "Ruth", "Leila", "Tara", "Olivia", "Fatima", "Yuki", "Emma", "Rosa", "Nina", "Bella", "Kira", "Amara", "Julia", "Lena", "Maya", "Carmen", "Dana", "Wendy", "Rita", "Alice"]
_MALE = ["Tom", "Omar", "Ravi", "Lucas", "Ben", "Diego", "Kenji", "Samuel", "Felix", "Noah", "Malik", "Ivan", "Hugo", "Arjun", "Theo", "Oscar", "Mateo", "Leo", "Pablo", "Jamal", "Ethan", "Kofi", "Liam", "Marco", "Andre", "Victor", "Ahmed", "Jonah", "Caleb", "Dmitri", "Gabe", "Raj", "Paul", "Sam"]

PEOPLE: tuple[Person, ...] = tuple(Person(n, *_SHE) for n in _FEMALE) + tuple(
    Person(n, *_HE) for n in _MALE
)


def _things(spec: str, lo: int = 1, hi: int = 20) -> tuple[Thing, ...]:
    out = []
    for entry in spec.split(","):
        singular, _, plural = entry.strip().partition("/")
        out.append(Thing(singular, plural or singular + "s", lo, hi))
    return tuple(out)


# Things people collect, trade, give away and lose.
COLLECTIBLES = _things(
    "marble, sticker, stamp, trading card, seashell, bead, coin, comic book, toy car, crayon, "
    "button, postcard, pebble, baseball card, keychain, feather, badge, puzzle piece, ribbon, "
    "magnet, pin, bottle cap, paper crane, rock"
)
# Food that gets baked, eaten, sold and shared.
FOODS = _things(
    "apple, orange, cookie, cupcake, muffin, egg, bagel, lemon, peach/peaches, pear, plum, donut, "
    "pretzel, tomato/tomatoes, potato/potatoes, cherry/cherries, strawberry/strawberries, "
    "sandwich/sandwiches, taco, pie, brownie, pancake, carrot, cucumber"
)
# Things bought in shops, with unit prices that look plausible.
GOODS = (
    _things("pen, pencil, eraser, notebook, marker, folder, ruler, candle, sticker sheet, bookmark", 1, 6)
    + _things("book, mug, plant, hat, scarf/scarves, towel, lamp, puzzle, board game, toy robot", 5, 30)
    + _things("T-shirt, backpack, pair of shoes/pairs of shoes, jacket, watch/watches, blanket", 10, 60)
)
# Baked goods (for bake sales and bakeries).
BAKED = _things("cookie, cupcake, muffin, bagel, donut, pretzel, pie, brownie, scone, croissant, tart, roll")
CONTAINERS = _things("box/boxes, bag, crate, basket, jar, pack, tray, carton, bucket, case/cases")
ANIMALS = _things("cow, goat, sheep/sheep, chicken, duck, pig, horse, rabbit, llama, turkey")
# (machine, product) pairs for production rates.
MACHINES = (
    ("machine", "widgets"), ("printer", "pages"), ("bakery", "loaves"), ("factory", "bottles"),
    ("press", "flyers"), ("robot", "parts"), ("oven", "pizzas"), ("loom", "scarves"),
    ("workshop", "chairs"), ("kitchen", "meals"),
)
# (traveller, verb) pairs for speed problems.
TRAVELLERS = (
    ("car", "drives"), ("train", "travels"), ("bus", "travels"), ("cyclist", "rides"),
    ("truck", "drives"), ("boat", "sails"), ("runner", "runs"), ("van", "drives"),
)
DISTANCE_UNITS = ("miles", "kilometers")
SHOPS = ("store", "bakery", "market", "shop", "fair", "bookstore", "cafe", "stall")
JOBS = ("tutoring", "dog walking", "babysitting", "gardening", "lifeguarding", "delivering groceries")
CLUBS = ("school", "club", "class", "team", "camp", "choir", "library")
MEMBERS = _things("student, member, student, player, camper, singer, reader")
# (place, the people in it), for problems about a group.
GROUPS = tuple(zip(CLUBS, MEMBERS, strict=True))
FRUITS = tuple(t for t in FOODS if t.singular in (
    "apple", "orange", "lemon", "peach", "pear", "plum", "cherry", "strawberry", "tomato"))
