# SPDX-License-Identifier: MIT
# Containers for the tests, from Debian's podman, with nothing pulled from a
# registry: the image is a busybox-static root filesystem imported locally.
# Source after tests/lib/netns.sh.
#
# This machine's podman runs only with runc (crun refuses the cgroup layout)
# and with lowered limits; every `podman run` here uses PM_RUN_ARGS.

PM_IMAGE=localhost/tcrec-test:busybox
# NET_RAW: busybox ping opens a raw socket.
PM_RUN_ARGS=(--runtime runc --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --cap-add NET_RAW
	--sysctl net.ipv6.conf.all.disable_ipv6=1 --sysctl net.ipv6.conf.default.disable_ipv6=1)

pm_require() {
	tl_require_tools podman runc busybox nsenter tcpdump tshark bpftool
	[[ -x /bin/busybox ]] && /bin/busybox --list >/dev/null 2>&1 ||
		tl_skip "busybox-static is not installed (/bin/busybox)"
}

# pm_image DIR: build the image unless it exists from the same root
# filesystem (its label tcrec.rootfs is the tar's sha256).
pm_image() {
	local dir=$1/rootfs tarball=$1/rootfs.tar hash have
	mkdir -p "$dir"/{bin,etc,tmp,proc,sys,dev,var/www}
	cp /bin/busybox "$dir/bin/busybox"
	/bin/busybox --list | "$TL_PYTHON" -c '
import os, sys
for a in sys.stdin.read().split():
    p = os.path.join(sys.argv[1], a)
    if a != "busybox" and not os.path.lexists(p):
        os.symlink("busybox", p)' "$dir/bin"
	echo 'root:x:0:0:root:/:/bin/sh' >"$dir/etc/passwd"
	echo 'root:x:0:' >"$dir/etc/group"
	# Some bytes to fetch; a size that takes several TCP segments.
	head -c 20000 /dev/zero | tr '\0' 'x' >"$dir/var/www/index.html"
	tar -C "$dir" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$tarball" .
	hash=$(sha256sum "$tarball" | cut -c1-64)
	have=$(podman image inspect -f '{{index .Labels "tcrec.rootfs"}}' "$PM_IMAGE" 2>/dev/null || true)
	if [[ $have == "$hash" ]]; then
		tl_log "image $PM_IMAGE is up to date"
		return 0
	fi
	podman import --change "LABEL tcrec.rootfs=$hash" --change 'CMD ["/bin/sh"]' \
		"$tarball" "$PM_IMAGE" >/dev/null || tl_fail "podman import of $tarball failed"
	tl_log "image $PM_IMAGE built (rootfs $hash)"
}

# pm_network NAME SUBNET: a podman network of the test's own, removed at exit.
pm_network() {
	# podman turns on the host's IPv4 forwarding, which every namespace
	# made later inherits: put it back as it was at exit
	local fwd
	fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	tl_on_exit "sysctl -qw net.ipv4.ip_forward=$fwd"
	podman network create --subnet "$2" "$1" >/dev/null ||
		tl_fail "podman network create $1 ($2) failed"
	tl_on_exit "podman network rm -f '$1'"
}

# Where podman's own messages go. Never a pipe: conmon keeps the descriptors
# it was started with, and a reader of that pipe would wait for it forever.
PM_ERR=/dev/null

# pm_run NAME NETWORK CMD...: a detached container, removed at exit.
pm_run() {
	local name=$1 net=$2
	shift 2
	tl_on_exit "podman rm -f -t 0 '$name' >/dev/null 2>&1 </dev/null"
	podman run "${PM_RUN_ARGS[@]}" -d --stop-timeout 1 --name "$name" --network "$net" \
		"$PM_IMAGE" "$@" >/dev/null 2>>"$PM_ERR" </dev/null || tl_fail "podman run $name failed"
}

# pm_restart NAME
pm_restart() {
	podman restart -t 1 "$1" >/dev/null 2>>"$PM_ERR" </dev/null || tl_fail "podman restart $1 failed"
}

# pm_pid NAME: the container's main process on the host.
pm_pid() {
	podman inspect -f '{{.State.Pid}}' "$1"
}

# pm_ip NAME NETWORK: its address on that network.
pm_ip() {
	podman inspect -f "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$1"
}

# pm_host_peer NAME: the host-side veth of the container's eth0 (the host
# interface whose ifindex is eth0's iflink).
pm_host_peer() {
	local pid iflink
	pid=$(pm_pid "$1")
	iflink=$(nsenter -t "$pid" -n ip -j link show dev eth0 |
		"$TL_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["link_index"])')
	ip -j link | "$TL_PYTHON" -c "import json,sys
print(next(l['ifname'] for l in json.load(sys.stdin) if l['ifindex'] == $iflink))"
}

# pm_tcpdump_start VAR PID IF PCAP: tcpdump on IF in the namespace of PID
# (0: the host's own), nanosecond stamps; returns once it listens.
pm_tcpdump_start() {
	local var=$1 pid=$2 ifn=$3 pcap=$4
	local pre=()
	((pid == 0)) || pre=(nsenter -t "$pid" -n)
	"${pre[@]}" env --default-signal=INT tcpdump -i "$ifn" -n -U --immediate-mode -B 65536 \
		--time-stamp-precision=nano -w "$pcap" 2>"$pcap.err" &
	local pm_tp=$!
	tl_track_pid "$pm_tp"
	printf -v "$var" "%s" "$pm_tp"
	tl_wait_for 20 "tcpdump listening on $ifn" grep -q 'listening on' "$pcap.err" || {
		cat "$pcap.err" >&2
		tl_fail "tcpdump did not start on $ifn"
	}
}

# pm_tcpdump_stop PID: stop it and wait until it has written its file.
pm_tcpdump_stop() {
	kill -INT "$1" 2>/dev/null || true
	tl_wait_exit "$1" 20 || tl_fail "tcpdump still running 20s after SIGINT"
}
