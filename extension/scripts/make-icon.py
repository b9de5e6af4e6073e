#!/usr/bin/python3
"""Draws the extension's icon (media/icon.png, 128x128): three small heatmaps side by side (M | UC | MI)
in the panels' blue-to-red scale, a region of each outlined. Offline tool (Debian's python3-pil); the PNG is
committed. Run: /usr/bin/python3 scripts/make-icon.py"""
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 128
BLUE, WHITE, RED = (33, 102, 172), (247, 247, 247), (178, 24, 43)


def mix(t: float) -> tuple[int, int, int]:
    """t in [-1, 1] on blue - white - red."""
    a, b, f = (WHITE, RED, t) if t >= 0 else (WHITE, BLUE, -t)
    return tuple(round(a[i] + (b[i] - a[i]) * f) for i in range(3))


# heat of a 4x4 grid per cell: M = UC + MI, the hot spot in the same place
UC = [[-0.6, -0.3, 0.1, 0.0], [-0.2, 0.2, 0.3, 0.1], [0.0, 0.3, 0.4, 0.0], [-0.4, 0.0, 0.1, -0.2]]
MI = [[0.0, -0.1, 0.0, 0.0], [0.0, 0.4, 0.6, 0.0], [0.0, 0.5, 0.6, 0.1], [0.0, 0.0, 0.0, 0.0]]
M = [[max(-1.0, min(1.0, UC[r][c] + MI[r][c])) for c in range(4)] for r in range(4)]

image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
draw = ImageDraw.Draw(image)
draw.rounded_rectangle([0, 0, SIZE - 1, SIZE - 1], radius=18, fill=(30, 30, 30, 255))
cell, gap, top = 36, 4, 46
for k, grid in enumerate([M, UC, MI]):
    x0 = 4 + k * (cell + gap)
    step = cell // 4
    for r in range(4):
        for c in range(4):
            draw.rectangle([x0 + c * step, top + r * step, x0 + (c + 1) * step - 1, top + (r + 1) * step - 1], fill=mix(grid[r][c]))
    draw.rectangle([x0 + step, top + step, x0 + 3 * step - 1, top + 3 * step - 1], outline=(255, 255, 255), width=2)
out = Path(__file__).resolve().parent.parent / "media" / "icon.png"
image.resize((SIZE, SIZE)).save(out)
print(f"wrote {out}")
