#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `DESTDIR=D cmake --install BUILD --prefix P` puts exactly tcrec's files in
# place, for P=/usr (Debian's folders) and P=/opt/tcrec (all under P):
# the binary, seven man pages, the bash completion, the systemd unit whose
# ExecStart runs the installed binary. Then the
# installed binary runs, man renders the installed pages without warnings,
# and systemd-analyze verifies the /usr unit against D, binary included
# (skipped with a message when systemd-analyze is missing).
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
	} | sort >"$W/want"
	(cd "$d" && find . \( -type f -o -type l \) | sed 's/^\.//' | sort) >"$W/got"
	if ! cmp -s "$W/want" "$W/got"; then
		bad "prefix $prefix: installed files differ from the expected ones (< expected, > installed):"
		diff "$W/want" "$W/got" | grep '^[<>]'
	fi
	local bin=$d$prefix/bin/tcrec
	"$bin" --help >/dev/null || bad "prefix $prefix: the installed tcrec --help exits $?"

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

comp=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null)
[[ -n $comp ]] || comp=/usr/share/bash-completion/completions
check_install /usr "$comp"
check_install /opt/tcrec /opt/tcrec/share/bash-completion/completions
exit "$fail"
