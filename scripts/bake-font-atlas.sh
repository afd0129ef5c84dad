#!/usr/bin/env bash
# Bakes src/GpuGen/Pictures/Fonts/dejavu-sans-{13,19}.{png,txt}: the font atlases GpuGen's window and pictures
# draw text with, from Debian's DejaVu Sans (rasterised by FreeType through Debian's Pillow, hence
# /usr/bin/python3), and copies the font's licence beside it. Run once when
# the glyphs or the size change; the results are committed, so nothing here is needed at run time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/ensure-packages.sh fonts-dejavu-core python3-pil
out=src/GpuGen/Pictures/Fonts
# 13 px: the window's text and the pictures' labels; 19 px: the pictures' titles (capitals 14 px high).
for em in 13 19; do
  /usr/bin/python3 scripts/bake-font-atlas.py /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf "$out/dejavu-sans-$em.png" "$out/dejavu-sans-$em.txt" $em
done
cp /usr/share/doc/fonts-dejavu-core/copyright "$out/DejaVu-LICENSE.txt"
