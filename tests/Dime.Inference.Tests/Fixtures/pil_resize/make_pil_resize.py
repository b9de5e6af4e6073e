#!/usr/bin/python3
"""Reference resizes made by Pillow (Debian's python3-pil), for DIME's pil-* resize modes.

    /usr/bin/python3 make_pil_resize.py     # rewrites the PNGs, resized.bin.gz and cases.json next to this file

Two seeded source images (noise over gradients and hard edges, the hardest case for rounding), each resized with
every filter to several sizes: down- and up-scaling, odd aspect ratios, one axis only. resized.bin.gz holds the 8-bit
RGB outputs one after another; cases.json says where each starts.
"""
import gzip
import json
import os
import random

import PIL
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
FILTERS = {
    "nearest": Image.Resampling.NEAREST,
    "box": Image.Resampling.BOX,
    "bilinear": Image.Resampling.BILINEAR,
    "hamming": Image.Resampling.HAMMING,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
}
SOURCES = {"noise_97x61.png": (97, 61, 7), "edges_120x80.png": (120, 80, 11)}
SIZES = {
    "noise_97x61.png": [(48, 48), (130, 90), (61, 97), (97, 30), (13, 61), (200, 7)],
    "edges_120x80.png": [(150, 100), (64, 43), (31, 79), (120, 37), (17, 5)],
}


def source(width, height, seed):
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            base = (x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), ((x // 9 + y // 7) % 2) * 255)
            noise = [rng.randint(-60, 60) for _ in range(3)]
            pixels[x, y] = tuple(max(0, min(255, b + n)) for b, n in zip(base, noise))
    return image


def main():
    cases, blob = [], bytearray()
    for name, (width, height, seed) in SOURCES.items():
        image = source(width, height, seed)
        image.save(os.path.join(HERE, name))
        for filter_name, code in FILTERS.items():
            for out_width, out_height in SIZES[name]:
                resized = image.resize((out_width, out_height), resample=code).tobytes()
                cases.append({"source": name, "filter": filter_name, "width": out_width, "height": out_height, "offset": len(blob)})
                blob.extend(resized)
    with gzip.GzipFile(os.path.join(HERE, "resized.bin.gz"), "wb", mtime=0) as f:
        f.write(bytes(blob))
    with open(os.path.join(HERE, "cases.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump({"pillow": PIL.__version__, "generator": "make_pil_resize.py", "cases": cases}, f, indent=1)
        f.write("\n")
    print(len(cases), "cases,", len(blob), "bytes")


if __name__ == "__main__":
    main()
