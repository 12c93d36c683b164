#!/usr/bin/env bash
# make-lenient.sh - regenerate the valid-but-unusual zip fixtures in lenient/.
#
# Real writers produce zips whose local headers disagree with the central
# directory in harmless ways; unzip -t and Python's zipfile accept them,
# and so must wsearch (the central directory is authoritative).  Each
# fixture is the committed bericht.docx or folien.pptx rewritten entry by
# entry with python3 (no LibreOffice needed), the data still deflated and
# CRC-checked, only the local headers changed:
#   zeit.docx        local header's modification time differs from the
#                    central directory's (writers that stamp local time)
#   version.docx     local header's "version needed" (45) above the
#                    central directory's (20)
#   deskriptor.docx  data-descriptor flag in both headers, a descriptor
#                    after the data; the local header has the sizes but a
#                    CRC of 0 (writers that seek back to patch the sizes
#                    and leave the CRC to the descriptor)
#   extra.pptx       local headers carry an extra field (extended
#                    timestamp + alignment padding) the central directory
#                    does not
#   bild.pptx        a deck with a 2 MiB EMF image of zeros (expands about
#                    1000 times) that text extraction never reads
# Known words are those of the sources (make-fixtures.sh): bericht.* page 3
# "Zugvogel", folien.* slide 3 "Leuchtturmwärter".
#
# Usage: tests/data/docs/make-lenient.sh
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p lenient
python3 - <<'EOF'
import struct, zipfile, zlib

def write(src, dst, local_tweak, extra_files=()):
    """Rewrite zip src as dst; local_tweak(fields) changes a local header."""
    out = bytearray()
    central = bytearray()
    with zipfile.ZipFile(src) as z:
        items = [(i.filename, z.read(i.filename), i.date_time) for i in z.infolist()]
    items += list(extra_files)
    for name, data, dt in items:
        nb = name.encode()
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        comp = c.compress(data) + c.flush()
        crc = zlib.crc32(data) & 0xFFFFFFFF
        dostime = (dt[3] << 11) | (dt[4] << 5) | (dt[5] // 2)
        dosdate = ((dt[0] - 1980) << 9) | (dt[1] << 5) | dt[2]
        cen = dict(version=20, flags=0, method=8, time=dostime, date=dosdate, crc=crc,
                   csize=len(comp), usize=len(data), extra=b"", descriptor=False)
        loc = dict(cen)
        local_tweak(loc, cen)
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, loc["version"], loc["flags"],
                           loc["method"], loc["time"], loc["date"], loc["crc"], loc["csize"],
                           loc["usize"], len(nb), len(loc["extra"])) + nb + loc["extra"] + comp
        if cen["descriptor"]:
            out += struct.pack("<IIII", 0x08074B50, crc, len(comp), len(data))
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, cen["version"],
                               cen["flags"], cen["method"], cen["time"], cen["date"], crc,
                               len(comp), len(data), len(nb), 0, 0, 0, 0, 0, off) + nb
    cdoff = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(items), len(items), len(central),
                       cdoff, 0)
    open(dst, "wb").write(out)
    # What other readers make of it: must be valid.
    with zipfile.ZipFile(dst) as z:
        assert z.testzip() is None, dst

def zeit(loc, cen):
    loc["time"] = (cen["time"] + 0x0800) & 0xFFFF  # an hour later

def version(loc, cen):
    loc["version"] = 45

def deskriptor(loc, cen):
    cen["flags"] |= 8
    cen["descriptor"] = True
    loc.update(flags=8, crc=0)

def extra(loc, cen):
    # 0x5455 extended timestamp (mtime) and 0xCAFE-style padding (zipalign)
    loc["extra"] = struct.pack("<HHBI", 0x5455, 5, 1, 1700000000) + struct.pack("<HH3s", 0xD935, 3, b"\0\0\0")

def same(loc, cen):
    pass

write("bericht.docx", "lenient/zeit.docx", zeit)
write("bericht.docx", "lenient/version.docx", version)
write("bericht.docx", "lenient/deskriptor.docx", deskriptor)
write("folien.pptx", "lenient/extra.pptx", extra)
# EMF header bytes then zeros: a picture as highly compressible as real ones
emf = b"\x01\x00\x00\x00" + bytes(2 * 1024 * 1024 - 4)
write("folien.pptx", "lenient/bild.pptx", same,
      [("ppt/media/image2.emf", emf, (2024, 5, 15, 10, 0, 0))])
EOF
ls -l lenient
