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

_FEMALE = [
    "Maria", "Ana", "Lucia", "Priya", "Chloe", "Hana", "Aisha", "Grace", "Nora", "Mei", "Sofia", "Zara", "Ivy", "Elena", "Ruth", "Leila", "Tara", "Olivia", "Fatima", "Yuki", "Emma", "Rosa", "Nina", "Bella", "Kira", "Amara", "Julia", "Lena", "Maya", "Carmen", "Dana", "Wendy", "Rita", "Alice",
    "Valentina", "Camila", "Isabel", "Marisol", "Ines", "Beatriz", "Gabriela", "Daniela", "Adriana",
    "Ximena", "Paloma", "Giulia", "Francesca", "Chiara", "Martina", "Bianca", "Amelie", "Camille",
    "Elise", "Juliette", "Manon", "Ingrid", "Astrid", "Freya", "Greta", "Heidi", "Annika", "Frida",
    "Natasha", "Olga", "Irina", "Katya", "Milena", "Zofia", "Vera", "Daria", "Eleni", "Daphne",
    "Athena", "Zoe", "Ananya", "Divya", "Kavya", "Meera", "Neha", "Pooja", "Shreya", "Lakshmi",
    "Anjali", "Sakura", "Aiko", "Yuna", "Minji", "Xinyi", "Lian", "Jia", "Linh", "Thao", "Ngozi",
    "Chiamaka", "Adaeze", "Amina", "Zainab", "Nia", "Wanjiru", "Thandiwe", "Abena", "Akosua", "Imani",
    "Makena", "Yasmin", "Noor", "Salma", "Mariam", "Samira", "Shirin", "Elif", "Zeynep", "Defne",
    "Ayla", "Talia", "Noa", "Shira", "Yael", "Miriam", "Esther", "Hannah", "Sarah", "Emily",
    "Charlotte", "Lucy", "Abigail", "Megan", "Rachel", "Claire", "Molly", "Kate", "Sophie", "Fiona",
    "Eleanor", "Beth", "Jenny", "Naomi", "Audrey", "Helen", "Diana", "Irene", "Tessa", "Siobhan",
    "Niamh", "Aoife", "Ciara", "Rhiannon", "Bronwen", "Leilani", "Moana",
]
_MALE = [
    "Tom", "Omar", "Ravi", "Lucas", "Ben", "Diego", "Kenji", "Samuel", "Felix", "Noah", "Malik", "Ivan", "Hugo", "Arjun", "Theo", "Oscar", "Mateo", "Leo", "Pablo", "Jamal", "Ethan", "Kofi", "Liam", "Marco", "Andre", "Victor", "Ahmed", "Jonah", "Caleb", "Dmitri", "Gabe", "Raj", "Paul", "Sam",
    "Javier", "Carlos", "Miguel", "Alejandro", "Rafael", "Joaquin", "Santiago", "Tiago", "Rodrigo",
    "Emilio", "Andres", "Felipe", "Ramon", "Giovanni", "Luca", "Matteo", "Enzo", "Paolo", "Julien",
    "Antoine", "Pierre", "Remy", "Louis", "Lars", "Sven", "Nils", "Jonas", "Henrik", "Tobias", "Erik",
    "Bjorn", "Axel", "Nikolai", "Pavel", "Sergei", "Tomasz", "Jakub", "Milan", "Yuri", "Boris", "Nikos",
    "Yannis", "Aarav", "Vikram", "Rohan", "Sanjay", "Rahul", "Karan", "Dev", "Nikhil", "Aditya",
    "Hiroshi", "Takumi", "Haruto", "Ren", "Daichi", "Minjun", "Wei", "Chen", "Bao", "Minh", "Tuan",
    "Kai", "Chidi", "Emeka", "Kwame", "Tunde", "Sipho", "Jabari", "Baraka", "Obi", "Themba", "Juma",
    "Yusuf", "Karim", "Hassan", "Tariq", "Samir", "Bilal", "Idris", "Reza", "Emre", "Mehmet", "Khalid",
    "Eli", "Noam", "Ezra", "Micah", "Asher", "Jack", "Harry", "George", "Henry", "James", "William",
    "Daniel", "Adam", "Peter", "Owen", "Ryan", "Nathan", "Simon", "Dylan", "Isaac", "Max", "Luke",
    "Jacob", "Sean", "Cormac", "Declan", "Ewan", "Callum", "Rhys", "Niall", "Tane", "Keanu",
]

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
    "magnet, pin, bottle cap, paper crane, rock, "
    "pine cone, acorn, fossil, crystal, bracelet, rubber duck, toy soldier, yo-yo, whistle, figurine, "
    "domino/dominoes, playing card, rubber band, paper clip, glow stick, action figure, bouncy ball, "
    "ticket stub, pencil topper, paper airplane, spinning top, hair clip, temporary tattoo, origami star"
)
# Food that gets baked, eaten, sold and shared.
FOODS = _things(
    "apple, orange, cookie, cupcake, muffin, egg, bagel, lemon, peach/peaches, pear, plum, donut, "
    "pretzel, tomato/tomatoes, potato/potatoes, cherry/cherries, strawberry/strawberries, "
    "sandwich/sandwiches, taco, pie, brownie, pancake, carrot, cucumber, "
    "banana, mango/mangoes, kiwi, apricot, nectarine, lime, grapefruit, tangerine, fig, coconut, "
    "pineapple, melon, grape, avocado, granola bar, waffle, cracker, rice cake, energy bar, "
    "juice box/juice boxes, cup of yogurt/cups of yogurt, pudding cup, cheese stick, "
    "ear of corn/ears of corn, bell pepper, radish/radishes, onion, sweet potato/sweet potatoes"
)
# Things bought in shops, with unit prices that look plausible.
GOODS = (
    _things("pen, pencil, eraser, notebook, marker, folder, ruler, candle, sticker sheet, bookmark, "
            "glue stick, highlighter, pencil sharpener, notepad, greeting card, paintbrush/paintbrushes, "
            "balloon, bar of soap/bars of soap, toothbrush/toothbrushes, tennis ball, light bulb", 1, 6)
    + _things("book, mug, plant, hat, scarf/scarves, towel, lamp, puzzle, board game, toy robot, "
              "pillow, picture frame, water bottle, flashlight, umbrella, teapot, vase, wallet, "
              "soccer ball, kite, photo album, alarm clock", 5, 30)
    + _things("T-shirt, backpack, pair of shoes/pairs of shoes, jacket, watch/watches, blanket, "
              "sweater, hoodie, raincoat, pair of jeans/pairs of jeans, pair of boots/pairs of boots, "
              "dress/dresses, sleeping bag, bike helmet, skateboard, tennis racket, duffel bag, "
              "pair of headphones/pairs of headphones", 10, 60)
)
# Baked goods (for bake sales and bakeries).
BAKED = _things(
    "cookie, cupcake, muffin, bagel, donut, pretzel, pie, brownie, scone, croissant, tart, roll, "
    "cinnamon roll, biscuit, eclair, macaron, loaf of bread/loaves of bread, baguette, pastry/pastries, "
    "cake, cheesecake, cream puff, turnover, cake pop, lemon bar"
)
ANIMALS = _things(
    "cow, goat, sheep/sheep, chicken, duck, pig, horse, rabbit, llama, turkey, "
    "goose/geese, donkey, alpaca, pony/ponies, lamb, calf/calves, hen, rooster, ox/oxen, mule"
)
# (machine, product) pairs for production rates.
MACHINES = (
    ("machine", "widgets"), ("printer", "pages"), ("bakery", "loaves"), ("factory", "bottles"),
    ("press", "flyers"), ("robot", "parts"), ("oven", "pizzas"), ("loom", "scarves"),
    ("workshop", "chairs"), ("kitchen", "meals"),
    ("sawmill", "planks"), ("brick kiln", "bricks"), ("toy factory", "toys"),
    ("printing press", "newspapers"), ("copier", "copies"), ("assembly line", "cars"),
    ("popcorn machine", "bags of popcorn"), ("label maker", "labels"), ("pottery studio", "bowls"),
    ("donut shop", "donuts"), ("candle factory", "candles"), ("embroidery machine", "patches"),
)
# (traveller, verb) pairs for speed problems.
TRAVELLERS = (
    ("car", "drives"), ("train", "travels"), ("bus", "travels"), ("cyclist", "rides"),
    ("truck", "drives"), ("boat", "sails"), ("runner", "runs"), ("van", "drives"),
    ("motorcycle", "rides"), ("taxi", "drives"), ("tram", "travels"), ("school bus", "travels"),
    ("pickup truck", "drives"), ("speedboat", "cruises"), ("scooter", "rides"), ("ferry", "sails"),
    ("delivery van", "drives"), ("sports car", "drives"),
)
DISTANCE_UNITS = ("miles", "kilometers")
SHOPS = (
    "store", "bakery", "market", "shop", "fair", "bookstore", "cafe", "stall",
    "supermarket", "corner store", "gift shop", "flea market", "craft fair", "thrift store",
    "general store", "school store", "toy store", "convenience store",
)
JOBS = (
    "tutoring", "dog walking", "babysitting", "gardening", "lifeguarding", "delivering groceries",
    "pet sitting", "house sitting", "lawn mowing", "car washing", "window washing", "house painting",
    "snow shoveling", "coaching", "proofreading", "leaf raking", "dog grooming",
)
CLUBS = (
    "school", "club", "class", "team", "camp", "choir", "library",
    "dance studio", "swim team", "scout troop", "drama club", "running club",
    "hiking club", "kindergarten", "orchestra", "music school",
)
MEMBERS = _things(
    "student, member, student, player, camper, singer, reader, "
    "dancer, swimmer, scout, actor, runner, hiker, child/children, musician, student"
)
# (place, the people in it), for problems about a group.
GROUPS = tuple(zip(CLUBS, MEMBERS, strict=True))
FRUITS = tuple(t for t in FOODS if t.singular in (
    "apple", "orange", "lemon", "peach", "pear", "plum", "cherry", "strawberry", "tomato",
    "banana", "mango", "kiwi", "apricot", "nectarine", "lime", "grapefruit", "tangerine", "fig",
    "coconut", "pineapple", "melon", "grape"))
