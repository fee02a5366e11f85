#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `DESTDIR=D cmake --install BUILD --prefix P` puts exactly tcrec's files in
# place, for P=/usr (Debian's folders) and P=/opt/tcrec (all under P):
# the binary, seven man pages, the bash completion, the systemd unit whose
# ExecStart runs the installed binary, and the link in Wireshark's extcap
# folder. Then the installed binary runs, man renders the installed pages
# without warnings, systemd-analyze verifies the /usr unit against D,
# binary included, and tshark -D, given that install's extcap folder, lists
# tcrec's interfaces (each skipped with a message when its tool is missing).
#   install.sh CMAKE BUILD MULTIARCH SCDOC
set -u
cmake=$1 build=$2 multiarch=$3 scdoc=$4
fail=0
bad() { echo "FAIL: $*"; fail=1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export LANG=C LC_ALL=C MANPAGER=cat PAGER=cat
pages="tcrec tcrec-record tcrec-print tcrec-stats tcrec-export tcrec-diff tcrec-interfaces"
if [[ -z $scdoc || $scdoc == *NOTFOUND ]]; then
	echo "scdoc not installed: no man pages built, none expected in the install (the rest is checked)"
	pages=""
fi

# check_install PREFIX COMPLETION_DIR
check_install() {
	local prefix=$1 compdir=$2 d=$W/root${1//\//_} p
	if ! DESTDIR=$d "$cmake" --install "$build" --prefix "$prefix" >"$W/log" 2>&1; then
		bad "cmake --install --prefix $prefix failed: $(tail -3 "$W/log")"
		return
	fi
	{
		echo "$prefix/bin/tcrec"
		for p in $pages; do echo "$prefix/share/man/man8/$p.8"; done
		echo "$compdir/tcrec"
		echo "$prefix/lib/systemd/system/tcrec@.service"
		echo "$prefix/$extcap_rel/tcrec"
	} | sort >"$W/want"
	(cd "$d" && find . \( -type f -o -type l \) | sed 's/^\.//' | sort) >"$W/got"
	if ! cmp -s "$W/want" "$W/got"; then
		bad "prefix $prefix: installed files differ from the expected ones (< expected, > installed):"
		diff "$W/want" "$W/got" | grep '^[<>]'
	fi
	local bin=$d$prefix/bin/tcrec
	"$bin" --help >/dev/null || bad "prefix $prefix: the installed tcrec --help exits $?"
	check_extcap "$prefix" "$d"

	local unit=$d$prefix/lib/systemd/system/tcrec@.service exec
	exec=$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$unit")
	[[ $exec == "$prefix/bin/tcrec" ]] || bad "prefix $prefix: the unit's ExecStart runs '$exec', not $prefix/bin/tcrec"
	# systemd finds units under D only in its own folders: verify the /usr one
	if [[ $prefix != /usr ]]; then
		:
	elif command -v systemd-analyze >/dev/null; then
		local out
		out=$(systemd-analyze verify --recursive-errors=no --root="$d" "$unit" 2>&1) ||
			bad "prefix $prefix: systemd-analyze verify: $out"
		[[ -z $out ]] || bad "prefix $prefix: systemd-analyze verify says: $out"
	else
		echo "systemd-analyze not installed: the unit is not verified (the rest is)"
	fi

	# the pages are the same files whatever the prefix: read them once
	if [[ $prefix != /usr ]]; then
		:
	elif command -v man >/dev/null; then
		for p in $pages; do
			local f=$d$prefix/share/man/man8/$p.8 out
			[[ -f $f ]] || continue
			out=$(MANWIDTH=80 man --warnings -l "$f" 2>"$W/warn")
			[[ ! -s $W/warn ]] || bad "prefix $prefix: man --warnings -l $p.8: $(cat "$W/warn")"
			grep -qx NAME <<<"$out" || bad "prefix $prefix: man -l $p.8 shows no NAME"
		done
	else
		echo "man not installed: the installed pages are not rendered (the rest is checked)"
	fi
	echo "prefix $prefix: $(wc -l <"$W/got") files as expected"
}

# check_extcap PREFIX D: the extcap link leads to the installed binary, and
# Wireshark's own client finds tcrec through it. tshark honours
# WIRESHARK_EXTCAP_DIR only when not run as root: as root it runs as nobody.
check_extcap() {
	local prefix=$1 d=$2 dir=$2$1/$extcap_rel out
	[[ $(readlink -f "$dir/tcrec") == "$d$prefix/bin/tcrec" ]] ||
		bad "prefix $prefix: the extcap link leads to '$(readlink -f "$dir/tcrec")', not $d$prefix/bin/tcrec"
	if ! command -v tshark >/dev/null; then
		echo "tshark not installed: the extcap link is not tried with tshark -D (the rest is checked)"
		return
	fi
	local as=()
	if [[ $(id -u) == 0 ]]; then
		chmod -R go+rX "$W"
		as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	fi
	out=$("${as[@]}" env HOME=/nonexistent WIRESHARK_EXTCAP_DIR="$dir" tshark -D 2>&1)
	grep -Eq '^[0-9]+\. tcrec-lo \(tcrec: lo\)$' <<<"$out" ||
		bad "prefix $prefix: tshark -D with the extcap folder $dir does not list tcrec-lo: $out"
	grep -Eq '^[0-9]+\. tcrec-any ' <<<"$out" ||
		bad "prefix $prefix: tshark -D does not list tcrec-any"
}

if [[ -n $multiarch ]]; then
	extcap_rel=lib/$multiarch/wireshark/extcap
else
	extcap_rel=lib/wireshark/extcap
fi
comp=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null)
[[ -n $comp ]] || comp=/usr/share/bash-completion/completions
check_install /usr "$comp"
check_install /opt/tcrec /opt/tcrec/share/bash-completion/completions
exit "$fail"
