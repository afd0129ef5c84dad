#!/usr/bin/env python3
"""Bakes the font atlas GpuGen draws its text with: DejaVu Sans (Debian's fonts-dejavu-core)
rasterised once by FreeType (through Pillow, hinted, 8-bit coverage) into one grey PNG plus a text
file of glyph metrics. Run through scripts/bake-font-atlas.sh; the outputs are committed, so GpuGen
needs no TrueType rasteriser (and no font package) at run time.

The size matches what stb_truetype baked at "15 px" before: stbtt_ScaleForPixelHeight(15) scales
DejaVu Sans' ascender-to-descender height (1901 + 483 font units) to 15 px, an em of
15 * 2048 / 2384 = 12.9 px; FreeType's size is the em, so 13.
"""
import sys
from PIL import Image, ImageDraw, ImageFont

TTF, PNG, METRICS, EM = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 13

# ASCII, ×, Greek, ᾱ, subscript digits, arrows, −, …, combining circumflex and macron (what the panels write).
RUNS = [(32, 95), (0xD7, 1), (0x391, 57), (0x1FB1, 1), (0x2080, 10), (0x2190, 4), (0x2212, 1), (0x2026, 1), (0x302, 1), (0x304, 1)]
WIDTH, PAD = 256, 1

# Basic layout: one glyph per code point as the font draws it (HarfBuzz would put a dotted circle
# under a lone combining mark).
font = ImageFont.truetype(TTF, EM, layout_engine=ImageFont.Layout.BASIC)
glyphs = []
for first, count in RUNS:
    for cp in range(first, first + count):
        ch = chr(cp)
        x0, y0, x1, y1 = font.getbbox(ch, anchor="ls")   # box relative to the pen on the baseline, y down
        glyphs.append((cp, x0, y0, x1, y1, font.getlength(ch)))

# Shelf packing, left to right, in code point order.
placed, x, y, shelf = [], PAD, PAD, 0
for cp, x0, y0, x1, y1, adv in glyphs:
    w, h = x1 - x0, y1 - y0
    if x + w + PAD > WIDTH:
        x, y, shelf = PAD, y + shelf + PAD, 0
    placed.append((cp, x, y, w, h, x0, y0, adv))
    x += w + PAD
    shelf = max(shelf, h)
height = y + shelf + PAD

atlas = Image.new("L", (WIDTH, height), 0)
for (cp, ax, ay, w, h, x0, y0, adv) in placed:
    if w > 0 and h > 0:
        glyph = Image.new("L", (w, h), 0)
        ImageDraw.Draw(glyph).text((-x0, -y0), chr(cp), font=font, fill=255, anchor="ls")
        atlas.paste(glyph, (ax, ay))
atlas.save(PNG, optimize=True)

ascent, descent = font.getmetrics()
with open(METRICS, "w", encoding="ascii") as f:
    f.write(f"# DejaVu Sans, {EM} px em, baked by scripts/bake-font-atlas.sh from {TTF.rsplit('/', 1)[-1]}\n")
    f.write("# atlas WIDTH HEIGHT; font ASCENT DESCENT; then per glyph: CODEPOINT X Y W H XOFF YOFF ADVANCE\n")
    f.write("# (X, Y, W, H: the glyph's box in the atlas; XOFF, YOFF: its top-left from the pen on the baseline, y down)\n")
    f.write(f"atlas {WIDTH} {height}\nfont {ascent} {descent}\n")
    for (cp, ax, ay, w, h, x0, y0, adv) in placed:
        f.write(f"{cp:X} {ax} {ay} {w} {h} {x0} {y0} {adv:.4f}\n")
print(f"{len(placed)} glyphs in {WIDTH}x{height} -> {PNG}, {METRICS}")
