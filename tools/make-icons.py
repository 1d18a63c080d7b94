"""Draw Rawat's home-screen icons (lms/static/icon-*.png) from the heart of favicon.svg, with Pillow.

    .venv/bin/python tools/make-icons.py

Run by hand when the favicon or the brand colour changes; the PNGs are committed.
"""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "lms" / "static"
BRAND = (0x0B, 0x6E, 0x4F, 255)  # --brand in rawat.css
WHITE = (255, 255, 255, 255)


def arc(p0, p1, r, large, sweep, n=64):
    """Points of an SVG arc (rx = ry = r, no rotation) from p0 to p1, p0 excluded."""
    (x1, y1), (x2, y2) = p0, p1
    dx, dy = (x1 - x2) / 2, (y1 - y2) / 2
    d2 = dx * dx + dy * dy
    r = max(r, math.sqrt(d2))
    coef = math.sqrt(max(0.0, (r * r - d2) / d2)) * (-1 if large == sweep else 1)
    cx, cy = coef * dy + (x1 + x2) / 2, -coef * dx + (y1 + y2) / 2
    a1, a2 = math.atan2(y1 - cy, x1 - cx), math.atan2(y2 - cy, x2 - cx)
    da = a2 - a1
    if sweep and da < 0:
        da += 2 * math.pi
    if not sweep and da > 0:
        da -= 2 * math.pi
    return [(cx + r * math.cos(a1 + da * i / n), cy + r * math.sin(a1 + da * i / n)) for i in range(1, n + 1)]


def cubic(p0, c1, c2, p1, n=64):
    out = []
    for i in range(1, n + 1):
        t = i / n
        u = 1 - t
        out.append(tuple(u**3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t**3 * d
                         for a, b, c, d in zip(p0, c1, c2, p1, strict=True)))
    return out


# favicon.svg: M16 25s-8-5-8-11a4.5 4.5 0 0 1 8-2.8A4.5 4.5 0 0 1 24 14c0 6-8 11-8 11z (viewBox 0 0 32 32)
HEART = [(16, 25), *cubic((16, 25), (16, 25), (8, 20), (8, 14)), *arc((8, 14), (16, 11.2), 4.5, 0, 1),
         *arc((16, 11.2), (24, 14), 4.5, 0, 1), *cubic((24, 14), (24, 20), (16, 25), (16, 25))]


def icon(size: int, *, maskable: bool) -> Image.Image:
    scale = 8  # drawn large, then shrunk: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        # Full bleed (the phone crops it to its own shape); the heart, 55 % wide, centred in the safe zone.
        draw.rectangle((0, 0, big, big), fill=BRAND)
        unit = big * 0.55 / 16
        offset = big / 2 - 16 * unit
        shift = -(17.3 - 16) * unit
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 7 / 32, fill=BRAND)
        unit, offset, shift = big / 32, 0, 0
    draw.polygon([(offset + x * unit, offset + y * unit + shift) for x, y in HEART], fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def small_png(image: Image.Image, *, opaque: bool) -> Image.Image:
    """24 colours are plenty for two colours and their edges; the brand green and white stay exact."""
    if opaque:
        palette_image = image.convert("RGB").quantize(colors=24, method=Image.Quantize.MEDIANCUT,
                                                      dither=Image.Dither.NONE)
    else:
        palette_image = image.quantize(colors=24, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    mode = palette_image.palette.mode
    step = len(mode)
    palette = palette_image.getpalette(mode)
    for k in range(len(palette) // step):
        for exact in (BRAND[:3], WHITE[:3]):
            if sum(abs(a - b) for a, b in zip(palette[step * k:step * k + 3], exact, strict=True)) <= 12:
                palette[step * k:step * k + 3] = list(exact)
        if step == 4 and palette[step * k + 3] >= 248:
            palette[step * k + 3] = 255
    palette_image.putpalette(palette, mode)
    return palette_image


def main() -> None:
    for name, size, maskable in [("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("icon-maskable-512.png", 512, True)]:
        small_png(icon(size, maskable=maskable), opaque=maskable).save(STATIC / name, optimize=True)
        print(name, (STATIC / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
