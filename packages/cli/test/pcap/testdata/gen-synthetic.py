#!/usr/bin/env python3
"""Independent writer of the capture layouts no Debian tool writes on x86: big-endian classic
pcap, big-endian pcapng, Simple Packet Blocks, the obsolete Packet Block, 2^-n and 10^-9
if_tsresol, if_tsoffset, if_fcslen, unknown blocks and options to skip. Written from the pcap /
pcapng drafts (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng), not from devtx's code; the
build checks every file with `tshark -r` and `capinfos` and records what tshark reads.

usage: gen-synthetic.py OUTDIR
"""
import struct
import sys


def frame(i: int, n: int) -> bytes:
    # Ethernet II, IPv4/UDP-looking payload; bytes vary with i
    dst = bytes([0x02, 0, 0, 0, 0, 0x02])
    src = bytes([0x02, 0, 0, 0, 0, 0x01])
    body = bytes(((i * 31 + k * 7) & 0xFF) for k in range(n - 14))
    return dst + src + b"\x08\x00" + body


def pad4(b: bytes) -> bytes:
    return b + b"\0" * (-len(b) % 4)


def classic(path: str, endian: str, nano: bool) -> None:
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, 65535, 1)
    for i in range(5):
        f = frame(i, 60 + i * 17)
        sec, frac = 1_700_000_000 + i, (123456789 if nano else 123456) + i
        out += struct.pack(endian + "IIII", sec, frac, len(f), len(f)) + f
    open(path, "wb").write(out)


def block(e: str, btype: int, body: bytes) -> bytes:
    total = 12 + len(body)
    return struct.pack(e + "II", btype, total) + body + struct.pack(e + "I", total)


def opt(e: str, code: int, value: bytes) -> bytes:
    return struct.pack(e + "HH", code, len(value)) + pad4(value)


def endopt(e: str) -> bytes:
    return struct.pack(e + "HH", 0, 0)


def shb(e: str, options: bytes = b"") -> bytes:
    return block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1) + options)


def idb(e: str, linktype: int, snaplen: int, options: bytes = b"") -> bytes:
    return block(e, 1, struct.pack(e + "HHI", linktype, 0, snaplen) + options)


def epb(e: str, ifid: int, ts: int, data: bytes, orig: int, options: bytes = b"") -> bytes:
    return block(e, 6, struct.pack(e + "IIIII", ifid, ts >> 32, ts & 0xFFFFFFFF, len(data), orig) + pad4(data) + options)


def pcapng_mixed(path: str, e: str) -> None:
    out = shb(e, opt(e, 2, b"devtx-synthetic hw") + opt(e, 3, b"linux") + endopt(e))
    # interface 0: microseconds (default tsresol), snaplen 0 (no limit)
    out += idb(e, 1, 0, opt(e, 2, b"if0") + endopt(e))
    # interface 1: 2^-20 s units, if_tsoffset +1000 s, FCS of 4 bytes
    out += idb(e, 1, 0, opt(e, 2, b"if1") + opt(e, 9, bytes([0x80 | 20])) + opt(e, 14, struct.pack(e + "q", 1000)) + opt(e, 13, bytes([4])) + endopt(e))
    # interface 2: nanoseconds
    out += idb(e, 1, 0, opt(e, 9, bytes([9])) + endopt(e))
    # an unknown custom block (0x00000099) and a Name Resolution Block: skipped
    out += block(e, 0x00000099, b"\x01\x02\x03\x04\x05\x06\x07\x08")
    out += block(e, 4, struct.pack(e + "HH", 1, 8) + bytes([127, 0, 0, 1]) + b"lo\0\0" + struct.pack(e + "HH", 0, 0))
    out += epb(e, 0, 1_700_000_000_123_456, frame(0, 64), 64, opt(e, 1, b"a comment") + endopt(e))
    f1 = frame(1, 70) + b"\xde\xad\xbe\xef"  # 4 FCS bytes
    out += epb(e, 1, (1_700_000_000 << 20) + 12345, f1, len(f1), opt(e, 2, struct.pack(e + "I", 1)) + endopt(e))
    out += epb(e, 2, 1_700_000_000_987_654_321, frame(2, 61), 61)
    # obsolete Packet Block on interface 2
    f3 = frame(3, 99)
    out += block(e, 2, struct.pack(e + "HHIIII", 2, 0, (1_700_000_001_000_000_007 >> 32), 1_700_000_001_000_000_007 & 0xFFFFFFFF, len(f3), len(f3)) + pad4(f3))
    # Interface Statistics Block: skipped
    out += block(e, 5, struct.pack(e + "III", 0, 0, 0))
    # second section, other byte order, SPB on its only interface (snaplen 80 truncates)
    o = "<" if e == ">" else ">"
    out += shb(o)
    out += idb(o, 1, 80)
    f4 = frame(4, 90)
    out += block(o, 3, struct.pack(o + "I", len(f4)) + pad4(f4[:80]))
    f5 = frame(5, 66)
    out += block(o, 3, struct.pack(o + "I", len(f5)) + pad4(f5))
    open(path, "wb").write(out)


if __name__ == "__main__":
    d = sys.argv[1]
    classic(f"{d}/synthetic-be-usec.pcap", ">", False)
    classic(f"{d}/synthetic-be-nsec.pcap", ">", True)
    pcapng_mixed(f"{d}/synthetic-le.pcapng", "<")
    pcapng_mixed(f"{d}/synthetic-be.pcapng", ">")
