#!/usr/bin/env bash
# Bakes src/GpuGen/Pictures/Fonts/dejavu-sans-13.{png,txt}: the font atlas GpuGen's window and pictures
# draw text with, from Debian's DejaVu Sans (rasterised by FreeType through Debian's Pillow, hence
# /usr/bin/python3), and copies the font's licence beside it. Run once when
# the glyphs or the size change; the results are committed, so nothing here is needed at run time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/ensure-packages.sh fonts-dejavu-core python3-pil
out=src/GpuGen/Pictures/Fonts
/usr/bin/python3 scripts/bake-font-atlas.py /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf "$out/dejavu-sans-13.png" "$out/dejavu-sans-13.txt" 13
cp /usr/share/doc/fonts-dejavu-core/copyright "$out/DejaVu-LICENSE.txt"
