#!/bin/bash
# Files planted by an unprivileged user (nobody) where root records: tcrec
# never writes through a symlink (also a ring's future name), never takes a
# file of someone else's in a sticky world-writable directory, and -Z hands
# over only the files it made, by descriptor (a file swapped for a symlink
# after tcrec opened it moves nothing).
# Usage: symlink_output.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
. "$(dirname "$0")/common.sh"
tl_require_tools setpriv
id nobody >/dev/null 2>&1 || tl_skip "no user 'nobody'"
uid=$(id -u nobody)
du_net
tl_tmpdir W
chmod 755 "$W"
mkdir "$W/d" "$W/pub"
chown nobody "$W/d"
chmod 1777 "$W/pub"
# root's files that nobody must not get: content, owner and mode are checked
for f in secret1 secret2 secret3 secret4; do
	echo "root only $f" >"$W/$f"
	chmod 600 "$W/$f"
done
intact() { # FILE: still root's, 0600, its content
	local f=$1
	[[ $(stat -c '%u %a' "$W/$f") == "0 600" ]] || tl_fail "$f: now $(stat -c '%U %a' "$W/$f")"
	[[ $(cat "$W/$f") == "root only $f" ]] || tl_fail "$f: content changed ($(stat -c %s "$W/$f") bytes)"
}
readable() { # LOG MIN: a log with at least MIN packets
	local n
	n=$("$TCREC" print "$1" 2>"$W/pr.err" | wc -l)
	((n >= $2)) || tl_fail "$1: $n packets ($(head -c 300 "$W/pr.err"))"
}

# 1. -Z: nobody plants d/cap.tclog -> secret1.
du_as nobody ln -s "$W/secret1" "$W/d/cap.tclog"
du_record_for 2 "$W/z1" -w "$W/d/cap.tclog" -s 64 -Z nobody || tl_fail "-Z run: exit $? ($(cat "$W/z1.err"))"
intact secret1
[[ -L $W/d/cap.tclog ]] || tl_fail "the planted symlink is gone"
made=$(ls "$W/d" | grep -v '^cap.tclog$') || tl_fail "no log written next to the symlink"
[[ $(stat -c %u "$W/d/$made") == "$uid" ]] || tl_fail "$made: not nobody's"
readable "$W/d/$made" 300
grep -q "cap.tclog is a symbolic link" "$W/z1.err" || tl_fail "no message about the symlink: $(cat "$W/z1.err")"
tl_log "-Z with a planted symlink: wrote $made, secret1 intact"

# 2. -Z race: nobody swaps the file for a symlink (renamed over it in one
# step) as soon as it appears.
rm -f "$W"/d/*
du_as nobody ln -s "$W/secret2" "$W/d/link"
du_as nobody "$TL_PYTHON" - "$W/d" <<'PY' &
import os, stat, sys, time
d = sys.argv[1]
end = time.monotonic() + 60
while time.monotonic() < end:
    try:
        if stat.S_ISREG(os.lstat(d + "/race.tclog").st_mode):
            os.rename(d + "/race.tclog", d + "/moved.tclog")
            os.rename(d + "/link", d + "/race.tclog")
            sys.exit(0)
    except FileNotFoundError:
        pass
    time.sleep(0.0005)
sys.exit(1)
PY
swapper=$!
tl_track_pid "$swapper"
du_record_for 2 "$W/z2" -w "$W/d/race.tclog" -s 64 -Z nobody || true
wait "$swapper" || tl_fail "the file never appeared"
intact secret2
tl_log "-Z race (file swapped for a symlink): secret2 intact"

# 3. A ring's future name planted in a sticky world-writable directory,
# and a file of nobody's at another of its names.
du_as nobody ln -s "$W/secret3" "$W/pub/ring.tclog2"
du_as nobody sh -c "echo nobody > '$W/pub/ring.tclog1'"
tcrec_start TR "$DU_A" "$DU_IF" "$W/r" "$HOOKCTL" -w "$W/pub/ring.tclog" -C 1 -W 3 -s 1500
du_send 3000 # 4.3 MB: the ring goes round
tcrec_stop "$TR" "$W/r"
intact secret3
[[ -L $W/pub/ring.tclog2 ]] || tl_fail "ring: the planted symlink is gone"
[[ $(cat "$W/pub/ring.tclog1") == nobody && $(stat -c %u "$W/pub/ring.tclog1") == "$uid" ]] ||
	tl_fail "ring: nobody's ring.tclog1 was taken over"
for f in "$W"/pub/ring.tclog*; do
	[[ -L $f || $f == "$W/pub/ring.tclog1" ]] && continue
	[[ $(stat -c %u "$f") == 0 ]] || tl_fail "$f: not root's"
	"$TCREC" stats "$f" >/dev/null 2>"$W/e" || tl_fail "$f: $(cat "$W/e")"
done
tl_log "ring: $(ls "$W/pub" | xargs), secret3 intact"

# 4. An empty file of nobody's in the sticky directory is not taken.
du_as nobody touch "$W/pub/cap.tclog"
du_record_for 1 "$W/e1" -w "$W/pub/cap.tclog" -s 64 || tl_fail "exit $? ($(cat "$W/e1.err"))"
[[ ! -s $W/pub/cap.tclog && $(stat -c %u "$W/pub/cap.tclog") == "$uid" ]] ||
	tl_fail "nobody's empty cap.tclog was written ($(stat -c '%U %s' "$W/pub/cap.tclog"))"
readable "$W/pub/cap.tclog.1" 100
tl_log "sticky directory: nobody's empty file left alone, wrote cap.tclog.1"

# 5. -F pcapng: the same rules
du_as nobody ln -s "$W/secret4" "$W/d/cap.pcapng"
du_record_for 1 "$W/p" -w "$W/d/cap.pcapng" -F pcapng || tl_fail "pcapng: exit $? ($(cat "$W/p.err"))"
intact secret4
n=$(tcpdump -r "$W/d/cap.pcapng.1" -nn 2>/dev/null | wc -l)
((n >= 100)) || tl_fail "pcapng: $n packets in cap.pcapng.1"
tl_log "-F pcapng with a planted symlink: wrote cap.pcapng.1 ($n packets), secret4 intact"
echo PASS
