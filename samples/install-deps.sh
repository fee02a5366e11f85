#!/usr/bin/env bash
# Installs what tcrec needs to build, run and test, from Debian's packages.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: run as root (apt-get install)" >&2
	exit 1
fi
pkgs=(build-essential cmake pkg-config clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev
      libzstd-dev zstd libpcap-dev libmnl-dev libclang-rt-14-dev tcpdump tshark tcpreplay iperf3 iproute2
      nftables python3 procps util-linux iputils-ping wireshark-common bc
      podman runc busybox-static libmicrohttpd-dev librsvg2-bin bash-completion
      scdoc curl man-db)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
