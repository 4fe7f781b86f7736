#!/bin/sh
# Rebuild the capture fixtures (needs root for live capture on lo, tcpdump, tshark with
# mergecap/editcap, python3):
#   sudo sh packages/cli/test/pcap/testdata/build.sh
# Real tools write the real files: tcpdump (classic pcap, LE, us and ns, Ethernet / LINUX_SLL /
# LINUX_SLL2), dumpcap via tshark (pcapng with SHB/IDB/EPB options), mergecap (pcapng with
# several interfaces of different link types). gen-synthetic.py writes what no tool writes on
# x86 (big-endian files, SPB, the obsolete PB, 2^-n resolution, if_tsoffset, if_fcslen).
# truth.json is what tshark reads from every file (extract-truth.py).
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
filter='udp port 9091 or tcp port 9 or icmp or icmp6'
tcpdump -i lo -U -w "$tmp/lo-usec.pcap" "$filter" 2>/dev/null & p1=$!
tcpdump -i lo -U --time-stamp-precision=nano -w "$tmp/lo-nsec.pcap" "$filter" 2>/dev/null & p2=$!
tcpdump -i any -y LINUX_SLL -U -w "$tmp/any-sll.pcap" "$filter" 2>/dev/null & p3=$!
tcpdump -i any -y LINUX_SLL2 -U -w "$tmp/any-sll2.pcap" "$filter" 2>/dev/null & p4=$!
tshark -i lo -w "$tmp/lo-dumpcap.pcapng" -f "$filter" 2>/dev/null & p5=$!
sleep 3
python3 - <<'PY'
import socket, time
for i in range(4):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b"xdp" * (i + 1), ("127.0.0.1", 9091)); s.close()
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.sendto(b"hints" * (i + 1), ("::1", 9091)); s.close()
    for fam, addr in ((socket.AF_INET, ("127.0.0.1", 9)), (socket.AF_INET6, ("::1", 9))):
        t = socket.socket(fam, socket.SOCK_STREAM)
        try:
            t.connect(addr)
        except OSError:
            pass
        t.close()
    time.sleep(0.05)
PY
sleep 2
kill -INT $p1 $p2 $p3 $p4 $p5
wait $p1 $p2 $p3 $p4 $p5 || true
cp "$tmp"/lo-usec.pcap "$tmp"/lo-nsec.pcap "$tmp"/any-sll.pcap "$tmp"/any-sll2.pcap "$tmp"/lo-dumpcap.pcapng .
mergecap -w multi-if.pcapng lo-nsec.pcap any-sll2.pcap
python3 gen-synthetic.py .
chmod 644 ./*.pcap ./*.pcapng
for f in *.pcap *.pcapng; do capinfos "$f" >/dev/null; done
python3 extract-truth.py lo-usec.pcap lo-nsec.pcap any-sll.pcap any-sll2.pcap lo-dumpcap.pcapng multi-if.pcapng \
  synthetic-be-usec.pcap synthetic-be-nsec.pcap synthetic-le.pcapng synthetic-be.pcapng > truth.json
rm -rf "$tmp"
