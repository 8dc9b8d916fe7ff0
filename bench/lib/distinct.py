#!/usr/bin/env python3
"""distinct.py FOLDER COUNT PHOTO...: writes COUNT copies cycling through the photos, each with bytes no other copy has
and pixels unchanged, and prints their paths in upload order. Annotator answers the same bytes uploaded again with the
image it already has, so a benchmark that uploads one photo many times must upload copies.

The copy's number goes where the format keeps data no decoder reads: a JPEG COM segment after SOI, a PNG tEXt chunk
after IHDR, a GIF comment extension after the colour table, a RIFF chunk at the end of a WebP (its size fixed), and
a trailing 'free' box of ISO media (AVIF, HEIC) or trailing bytes of a TIFF (its offsets point before them)."""
import os
import struct
import sys
import time
import zlib


def jpeg(data, tag):
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(tag) + 2) + tag + data[2:]


def png(data, tag):
    body = b"tEXt" + b"Comment\0" + tag
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    return data[:33] + chunk + data[33:]  # signature (8) + IHDR (25)


def gif(data, tag):
    flags = data[10]
    end = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    return data[:end] + b"\x21\xfe" + bytes([len(tag)]) + tag + b"\x00" + data[end:]


def webp(data, tag):
    chunk = b"ANNO" + struct.pack("<I", len(tag)) + tag + (b"\0" if len(tag) % 2 else b"")
    body = data[8:] + chunk
    return b"RIFF" + struct.pack("<I", len(body)) + body


def iso_media(data, tag):
    return data + struct.pack(">I", 8 + len(tag)) + b"free" + tag


def tiff(data, tag):
    return data + tag


def copier(data, path):
    if data[:2] == b"\xff\xd8": return jpeg
    if data[:8] == b"\x89PNG\r\n\x1a\n": return png
    if data[:4] == b"GIF8": return gif
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP": return webp
    if data[4:8] == b"ftyp": return iso_media
    if data[:4] in (b"II*\0", b"MM\0*"): return tiff
    sys.exit(f"{path}: not a format distinct.py can copy")


def main():
    folder, count, photos = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    sources = [(p, open(p, "rb").read()) for p in photos]
    sources = [(p, d, copier(d, p)) for p, d in sources]
    run = time.time_ns()  # copies of two runs differ too
    for i in range(count):
        path, data, copy = sources[i % len(sources)]
        target = os.path.join(folder, str(i))
        os.makedirs(target, exist_ok=True)
        target = os.path.join(target, os.path.basename(path))  # the photo's own name, as uploaded
        with open(target, "wb") as f:
            f.write(copy(data, b"annotator-bench-copy-%d-%d" % (run, i)))
        print(target)


main()
