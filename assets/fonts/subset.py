"""Builds assets/fonts/FissionSansSC.otf: the subset of Noto Sans CJK SC (SIL OFL 1.1) that
fission's charts embed, so Chinese text renders with no font installed.

The subset keeps ASCII, Latin-1, general punctuation, currency signs (¥), CJK symbols and
punctuation, full-width forms and the 6,763 hanzi of GB 2312 (which cover nearly all of modern
simplified Chinese text), and renames the family, as the OFL asks of a modified font.

Run by hand when the character set should change (the result is committed):
    python3 -m venv /tmp/fontvenv && /tmp/fontvenv/bin/pip install fonttools==4.55.0 mplfonts==0.0.11
    /tmp/fontvenv/bin/python assets/fonts/subset.py PATH/TO/NotoSansCJKsc-Regular.otf
(mplfonts ships the original OTF under mplfonts/fonts/.)
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

source = sys.argv[1]
out = Path(__file__).with_name("FissionSansSC.otf")

ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2190, 0x21FF),
          (0x2200, 0x22FF), (0x2460, 0x24FF), (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF)]
codes = {c for lo, hi in ranges for c in range(lo, hi + 1)}
for c in range(0x4E00, 0xA000):
    try:
        chr(c).encode("gb2312")
        codes.add(c)
    except UnicodeEncodeError:
        pass

options = subset.Options()
options.layout_features = ["*"]
options.name_IDs = ["*"]
options.notdef_outline = True
options.hinting = False  # charts are drawn at sizes where hints do not matter
font = TTFont(source)
subsetter = subset.Subsetter(options)
subsetter.populate(unicodes=codes)
subsetter.subset(font)
name = font["name"]
for record in name.names:
    if record.nameID in (1, 4, 16):
        record.string = "Fission Sans SC"
    elif record.nameID == 6:
        record.string = "FissionSansSC-Regular"
    elif record.nameID == 3:
        record.string = "Fission Sans SC subset of Noto Sans CJK SC"
font.save(out)
print(f"{out}: {out.stat().st_size} bytes, {len(codes)} code points")
