#!/usr/bin/env python3
"""Capture frames the running Linux kernel itself builds, as ground truth for FrameParser.

Rebuild (needs root for AF_PACKET and raw sockets):
    sudo python3 packages/core/test/net/testdata/capture-loopback.py > packages/core/test/net/testdata/loopback-frames.json

Every captured frame's checksums were computed by the kernel, not by devtx:
  * ICMP echo reply to our echo request (net/ipv4/icmp.c icmp_reply: IPv4 header + ICMP csum)
  * ICMPv6 echo reply (net/ipv6/icmp.c icmpv6_echo_reply: ICMPv6 csum with pseudo-header)
  * TCP RST answering a SYN to a closed port (net/ipv4/tcp_ipv4.c tcp_v4_send_reset, full
    software checksum) and its IPv6 twin (net/ipv6/tcp_ipv6.c tcp_v6_send_response). The IPv6
    one is sent CHECKSUM_PARTIAL (__tcp_v6_send_check stores ~tcp_v6_check(len, saddr, daddr,
    0), i.e. the folded pseudo-header sum) and lo never completes it, so its stored field is
    the pseudo-header sum: a kernel-made vector for the IPv6 pseudo-header.
Only the kernel's replies are kept (PACKET_OUTGOING copies on lo). Loopback frames have zero
MAC addresses and are never padded, so short ones are runts (< 60 bytes).
"""
import json
import socket
import struct
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s > 0xFFFF:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main() -> None:
    cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    cap.bind(("lo", 0))
    cap.settimeout(0.2)

    # ICMP echo request (our checksum; only the kernel's reply is kept)
    payload = bytes(range(56))
    hdr = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1)
    req = struct.pack("!BBHHH", 8, 0, csum(hdr + payload), 0x1234, 1) + payload
    r4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    r4.sendto(req, ("127.0.0.1", 0))

    # ICMPv6 echo request (the kernel fills the checksum of raw ICMPv6 sockets)
    r6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    r6.sendto(struct.pack("!BBHHH", 128, 0, 0, 0x4321, 1) + payload, ("::1", 0))

    # SYN to closed ports: the kernel answers with RST (+ACK)
    for family, addr in ((socket.AF_INET, ("127.0.0.1", 9)), (socket.AF_INET6, ("::1", 9))):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(0.5)
        try:
            s.connect(addr)
        except OSError:
            pass
        s.close()

    frames = []
    deadline = time.time() + 1.0
    while time.time() < deadline:
        try:
            data, meta = cap.recvfrom(65535)
        except socket.timeout:
            continue
        if meta[2] != PACKET_OUTGOING:
            continue
        etype = struct.unpack("!H", data[12:14])[0]
        desc = None
        if etype == 0x0800 and data[23] == 1 and data[34] == 0:
            desc = "icmp-echo-reply"
        elif etype == 0x86DD and data[20] == 58 and data[54] == 129:
            desc = "icmpv6-echo-reply"
        elif etype == 0x0800 and data[23] == 6 and data[47] & 0x04:
            desc = "tcp4-rst"
        elif etype == 0x86DD and data[20] == 6 and data[67] & 0x04:
            desc = "tcp6-rst"
        if desc and desc not in [f["desc"] for f in frames]:
            frames.append({"desc": desc, "hex": data.hex()})
    print(json.dumps({"source": "Linux kernel loopback, captured with AF_PACKET", "frames": frames}, indent=2))


if __name__ == "__main__":
    main()
