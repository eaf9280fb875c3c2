#!/usr/bin/env python3
"""Renders the kit's built-in fonts into antialiased glyph atlases (grayscale PNG + metrics).

The plots must not depend on fonts installed on the user's machine, so the glyphs of
DejaVu Sans (Bitstream Vera licence, see Sources/LabPlot/Resources/font/LICENSE) are
rasterised once, here, and committed as resources of LabPlot.

Run (Debian: apt-get install fonts-dejavu-core; pip install pillow):
    python3 scripts/make_font_atlas.py
"""
import json
import os

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
OUT = os.path.join(os.path.dirname(__file__), "..", "Sources", "LabPlot", "Resources", "font")
STYLES = {  # name: (file, pixel size)
    "small": ("DejaVuSans.ttf", 13),
    "regular": ("DejaVuSans.ttf", 15),
    "bold": ("DejaVuSans-Bold.ttf", 15),
    "title": ("DejaVuSans-Bold.ttf", 19),
}
CHARACTERS = (
    [chr(c) for c in range(32, 127)]
    + list("°±×·÷²³¹⁰⁴⁵⁶⁷⁸⁹⁻₀₁₂₃ᵢⱼ–—‘’“”…→←↑↓≤≥≈≠∞√∑ΣΔΛΩαβγδεζηθκλμνξπρστφχψω‖∥∈ⁿ¼½¾√✓✗−ᵀ⊙∂∇ⁱ⁽⁾ᵏ⋅̃")
    + ["\u0302"]  # combining circumflex, for ρ̂
)


def render(name, filename, size):
    font = ImageFont.truetype(os.path.join(FONT_DIR, filename), size)
    ascent, descent = font.getmetrics()
    cell_w, cell_h = size * 2, ascent + descent + 4
    columns = 16
    rows = (len(CHARACTERS) + columns - 1) // columns
    atlas = Image.new("L", (columns * cell_w, rows * cell_h), 0)
    draw = ImageDraw.Draw(atlas)
    glyphs = {}
    for i, ch in enumerate(CHARACTERS):
        x0, y0 = (i % columns) * cell_w, (i // columns) * cell_h
        origin_x = x0 + 2 + (size // 2 if ch == "\u0302" else 0)
        # The combining circumflex is drawn from the spacing one (U+02C6): the renderer places
        # it over the previous glyph; drawn alone, U+0302 would sit on a dotted-circle base.
        draw.text((origin_x, y0 + 2), "\u02c6" if ch == "\u0302" else ch, fill=255, font=font)
        advance = 0 if ch == "\u0302" else font.getlength(ch)
        glyphs[ch] = {"x": x0, "y": y0, "w": cell_w, "h": cell_h, "originX": origin_x - x0, "originY": 2, "advance": round(advance, 3)}
    # Trim each cell to its ink so the renderer touches fewer pixels.
    for ch, g in glyphs.items():
        box = atlas.crop((g["x"], g["y"], g["x"] + g["w"], g["y"] + g["h"])).getbbox()
        if box is None:
            g.update(w=0, h=0)
            continue
        left, top, right, bottom = box
        g.update(x=g["x"] + left, y=g["y"] + top, w=right - left, h=bottom - top,
                 originX=g["originX"] - left, originY=g["originY"] - top)
    atlas.save(os.path.join(OUT, f"{name}.png"), optimize=True)
    return {"ascent": ascent, "descent": descent, "lineHeight": ascent + descent, "glyphs": glyphs}


def main():
    os.makedirs(OUT, exist_ok=True)
    metrics = {name: render(name, f, s) for name, (f, s) in STYLES.items()}
    with open(os.path.join(OUT, "metrics.json"), "w") as out:
        json.dump(metrics, out, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


if __name__ == "__main__":
    main()
