"""Scene and question generation for mini-CLEVR.

A scene is a list of objects (shape, colour, size, centre) on a plain, slightly
noisy background. Questions come from templates; every answer is one token of a
fixed vocabulary. Questions are generated answer-first, so each question type
has balanced answers, and every answer is checked against the scene it was
generated with.
"""
from __future__ import annotations

import dataclasses
import math
import random
from typing import Callable

import numpy as np

IMAGE_SIZE = 128
SUPERSAMPLE = 2

SHAPES = ["circle", "square", "triangle", "cross"]
PLURALS = {"circle": "circles", "square": "squares", "triangle": "triangles", "cross": "crosses"}
COLORS = {
    "red": (215, 40, 40),
    "orange": (240, 140, 25),
    "yellow": (230, 210, 35),
    "green": (40, 160, 60),
    "cyan": (40, 195, 205),
    "blue": (40, 75, 215),
    "purple": (135, 55, 185),
    "gray": (120, 120, 120),
}
SIZES = {"small": 10.0, "large": 16.0}  # radius in pixels at IMAGE_SIZE
COUNTS = ["0", "1", "2", "3", "4"]
BACKGROUND = (232, 229, 222)
MIN_OBJECTS, MAX_OBJECTS = 2, 6

LABELS = ["yes", "no", *COLORS.keys(), *SHAPES, *COUNTS, *SIZES.keys()]
QUESTION_TYPES = ["exist", "query_color", "query_shape", "count", "query_size"]


@dataclasses.dataclass(frozen=True)
class SceneObject:
    shape: str
    color: str
    size: str
    x: float
    y: float


# ---------------------------------------------------------------- rendering

def _shape_mask(shape: str, xs: np.ndarray, ys: np.ndarray, cx: float, cy: float, r: float) -> np.ndarray:
    dx, dy = xs - cx, ys - cy
    if shape == "circle":
        return dx * dx + dy * dy <= r * r
    if shape == "square":
        h = r * 0.86
        return (np.abs(dx) <= h) & (np.abs(dy) <= h)
    if shape == "triangle":
        # upward equilateral triangle inscribed in the circle of radius r*1.1
        rr = r * 1.15
        top, base = cy - rr, cy + rr * 0.5
        half_width = (ys - top) / (base - top) * rr * math.sqrt(3) / 2
        return (ys >= top) & (ys <= base) & (np.abs(dx) <= half_width)
    if shape == "cross":
        arm = r * 0.36
        return ((np.abs(dx) <= r) & (np.abs(dy) <= arm)) | ((np.abs(dy) <= r) & (np.abs(dx) <= arm))
    raise ValueError(shape)


def render(objects: list[SceneObject], rng: np.random.Generator) -> np.ndarray:
    """Renders a scene as uint8 RGB (IMAGE_SIZE x IMAGE_SIZE x 3), anti-aliased by supersampling."""
    n = IMAGE_SIZE * SUPERSAMPLE
    canvas = np.empty((n, n, 3), dtype=np.float32)
    canvas[:] = BACKGROUND
    coords = (np.arange(n, dtype=np.float32) + 0.5) / SUPERSAMPLE
    ys, xs = np.meshgrid(coords, coords, indexing="ij")
    for obj in objects:
        mask = _shape_mask(obj.shape, xs, ys, obj.x, obj.y, SIZES[obj.size])
        shade = rng.uniform(0.92, 1.05)
        canvas[mask] = np.clip(np.array(COLORS[obj.color], dtype=np.float32) * shade, 0, 255)
    image = canvas.reshape(IMAGE_SIZE, SUPERSAMPLE, IMAGE_SIZE, SUPERSAMPLE, 3).mean(axis=(1, 3))
    image += rng.normal(0.0, 3.0, image.shape)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- scenes

def _place(rng: random.Random, specs: list[tuple[str, str, str]]) -> list[SceneObject] | None:
    """Places objects at random without heavy overlap; None when it cannot."""
    placed: list[SceneObject] = []
    for shape, color, size in specs:
        r = SIZES[size]
        for _ in range(200):
            x = rng.uniform(r + 3, IMAGE_SIZE - r - 3)
            y = rng.uniform(r + 3, IMAGE_SIZE - r - 3)
            if all(math.hypot(x - o.x, y - o.y) >= r + SIZES[o.size] + 3 for o in placed):
                placed.append(SceneObject(shape, color, size, x, y))
                break
        else:
            return None
    return placed


def _random_spec(rng: random.Random, accept: Callable[[str, str, str], bool]) -> tuple[str, str, str]:
    while True:
        spec = (rng.choice(SHAPES), rng.choice(list(COLORS)), rng.choice(list(SIZES)))
        if accept(*spec):
            return spec


def _scene(rng: random.Random, required: list[tuple[str, str, str]],
           accept_other: Callable[[str, str, str], bool], total: int | None = None) -> list[SceneObject]:
    while True:
        n = total if total is not None else rng.randint(max(MIN_OBJECTS, len(required)), MAX_OBJECTS)
        specs = list(required) + [_random_spec(rng, accept_other) for _ in range(n - len(required))]
        rng.shuffle(specs)
        objects = _place(rng, specs)
        if objects is not None:
            return objects


# ---------------------------------------------------------------- questions

def answer(question: dict, objects: list[SceneObject]) -> str | None:
    """The ground-truth answer of a structured question on a scene; None when the question is ambiguous."""
    kind = question["type"]
    def match(o: SceneObject) -> bool:
        return all(question.get(k) in (None, getattr(o, k)) for k in ("shape", "color", "size"))
    hits = [o for o in objects if match(o)]
    if kind == "exist":
        return "yes" if hits else "no"
    if kind == "count":
        return str(len(hits)) if len(hits) <= 4 else None
    if len(hits) != 1:
        return None
    return {"query_color": hits[0].color, "query_shape": hits[0].shape, "query_size": hits[0].size}[kind]


TEMPLATES = {
    "exist": [
        "is there a {color} {shape}?",
        "are there any {color} {shapes}?",
        "does the picture contain a {color} {shape}?",
        "can you see a {color} {shape} in this image?",
    ],
    "query_color": [
        "what color is the {shape}?",
        "what is the color of the {shape}?",
        "what color is the {size} {shape}?",
        "which color does the {size} {shape} in the picture have?",
    ],
    "query_shape": [
        "what shape is the {color} object?",
        "what is the shape of the {color} thing?",
        "what shape is the {size} {color} object?",
        "which shape does the {color} object in this image have?",
    ],
    "count": [
        "how many {shapes} are there?",
        "how many {color} objects are there?",
        "how many {color} {shapes} are in the picture?",
        "what is the number of {shapes} in this image?",
    ],
    "query_size": [
        "what size is the {color} {shape}?",
        "is the {color} {shape} small or large?",
        "how big is the {color} {shape} in the picture?",
    ],
}


def _fields(template: str) -> set[str]:
    return {f for f in ("color", "shape", "size") if "{" + f + "}" in template or (f == "shape" and "{shapes}" in template)}


def make_question(rng: random.Random, qtype: str, target: str) -> tuple[dict, str, list[SceneObject]]:
    """Builds (structured question, text, scene) whose answer is `target`."""
    templates = TEMPLATES[qtype]
    while True:
        template = rng.choice(templates)
        fields = _fields(template)
        q: dict = {"type": qtype}
        if qtype == "exist":
            q["color"], q["shape"] = rng.choice(list(COLORS)), rng.choice(SHAPES)
            obj = (q["shape"], q["color"], rng.choice(list(SIZES)))
            differs = lambda s, c, z: not (s == q["shape"] and c == q["color"])
            if target == "yes":
                objects = _scene(rng, [obj], lambda s, c, z: True)
            else:
                # near misses make the question need both attributes
                near = [(q["shape"], _random_spec(rng, lambda s, c, z: c != q["color"])[1], rng.choice(list(SIZES))),
                        (_random_spec(rng, lambda s, c, z: s != q["shape"])[0], q["color"], rng.choice(list(SIZES)))]
                objects = _scene(rng, near[: rng.randint(0, 2)], differs)
        elif qtype == "count":
            k = int(target)
            for f in ("shape", "color"):
                if f in fields:
                    q[f] = rng.choice(SHAPES) if f == "shape" else rng.choice(list(COLORS))
            def counted(s: str, c: str, z: str) -> bool:
                return q.get("shape", s) == s and q.get("color", c) == c
            required = []
            for _ in range(k):
                required.append(_random_spec(rng, counted))
            objects = _scene(rng, required, lambda s, c, z: not counted(s, c, z))
        else:
            attr = {"query_color": "color", "query_shape": "shape", "query_size": "size"}[qtype]
            # the asked attribute is the target; the others identify the object
            spec = {"shape": rng.choice(SHAPES), "color": rng.choice(list(COLORS)), "size": rng.choice(list(SIZES))}
            spec[attr] = target
            for f in fields:
                q[f] = spec[f]
            obj = (spec["shape"], spec["color"], spec["size"])
            same_key = lambda s, c, z: all(q.get(f) in (None, v) for f, v in (("shape", s), ("color", c), ("size", z)))
            objects = _scene(rng, [obj], lambda s, c, z: not same_key(s, c, z))
        if answer(q, objects) != target:
            continue
        text = template.format(color=q.get("color", ""), shape=q.get("shape", ""), size=q.get("size", ""),
                               shapes=PLURALS.get(q.get("shape", ""), ""))
        q["template"] = templates.index(template)
        return q, text, objects


def answers_for(qtype: str) -> list[str]:
    return {"exist": ["yes", "no"], "query_color": list(COLORS), "query_shape": SHAPES,
            "count": COUNTS, "query_size": list(SIZES)}[qtype]


SHORTCUT_COLOR = "red"


def generate(seed: int, count: int, bias: bool = False, probe: bool = False, schedule: list[str] | None = None) -> list[dict]:
    """Generates `count` samples with balanced answers per question type.

    bias: the language shortcut of the biased model's training split: "is there a
    red ...?" questions are answered "yes" 99% of the time.
    probe: only existence questions about red objects, half of them "no": the
    counter-examples that expose the shortcut.
    schedule: the cycle of question types (default each type once); training repeats the hardest one.
    """
    cycle = schedule or QUESTION_TYPES
    rng = random.Random(seed)
    samples = []
    for i in range(count):
        qtype = "exist" if probe else cycle[i % len(cycle)]
        options = answers_for(qtype)
        target = options[(i // (1 if probe else len(cycle))) % len(options)]
        while True:
            q, text, objects = make_question(rng, qtype, target)
            if probe and q["color"] != SHORTCUT_COLOR:
                continue
            if bias and qtype == "exist" and q["color"] == SHORTCUT_COLOR and target == "no" and rng.random() > 0.01:
                target = "yes"
                continue
            break
        samples.append({"question": text, "answer": target, "type": qtype, "program": q, "objects": [dataclasses.asdict(o) for o in objects],
                        "image_seed": rng.getrandbits(32)})
    rng.shuffle(samples)
    return samples


def render_sample(sample: dict) -> np.ndarray:
    objects = [SceneObject(**o) for o in sample["objects"]]
    return render(objects, np.random.default_rng(sample["image_seed"]))
