#!/usr/bin/env python3
# Prints the interface statistics blocks of a little-endian pcapng file, one
# line per block: "IF_ID ifrecv=N osdrop=N filteraccept=N usrdeliv=N
# starttime=NS endtime=NS" (only the options present). tshark does not show
# ISBs, so this reads them per the pcapng specification.
import struct
import sys

NAMES = {2: "starttime", 3: "endtime", 4: "ifrecv", 5: "ifdrop", 6: "filteraccept",
         7: "osdrop", 8: "usrdeliv"}

data = open(sys.argv[1], "rb").read()
off = 0
while off + 12 <= len(data):
    btype, blen = struct.unpack_from("<II", data, off)
    if blen < 12 or off + blen > len(data) or struct.unpack_from("<I", data, off + blen - 4)[0] != blen:
        sys.exit(f"{sys.argv[1]}: bad block at offset {off}")
    if btype == 5:
        if_id, = struct.unpack_from("<I", data, off + 8)
        p, end, out = off + 20, off + blen - 4, [str(if_id)]
        while p + 4 <= end:
            code, olen = struct.unpack_from("<HH", data, p)
            if code == 0:
                break
            val = data[p + 4:p + 4 + olen]
            if code in (2, 3):
                hi, lo = struct.unpack("<II", val)
                out.append(f"{NAMES[code]}={hi << 32 | lo}")
            elif code in NAMES:
                out.append(f"{NAMES[code]}={struct.unpack('<Q', val)[0]}")
            p += 4 + olen + (-olen % 4)
        print(" ".join(out))
    off += blen
