#!/usr/bin/env python3
"""What tshark reads from each capture file, as JSON on stdout: per file, per frame, the
interface id, the epoch time as tshark prints it (seconds.nanoseconds, "" for a Simple Packet
Block, which has no timestamp), frame.len, frame.cap_len and the raw record bytes in hex.

usage: extract-truth.py FILE...
"""
import json
import os
import subprocess
import sys

out = {}
for path in sys.argv[1:]:
    frames = json.loads(subprocess.check_output(["tshark", "-r", path, "-T", "json", "-x"], stderr=subprocess.DEVNULL))
    rows = []
    for f in frames:
        layers = f["_source"]["layers"]
        fr = layers["frame"]
        rows.append({
            "interfaceId": int(fr.get("frame.interface_id", "0")),
            "timeEpoch": fr.get("frame.time_epoch", ""),
            "len": int(fr["frame.len"]),
            "capLen": int(fr["frame.cap_len"]),
            "raw": layers["frame_raw"][0],
        })
    out[os.path.basename(path)] = rows
json.dump(out, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")
