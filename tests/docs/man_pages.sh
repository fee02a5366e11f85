#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man pages say what --help says, and man shows them cleanly:
#  - every option `tcrec CMD --help` lists under Options: is in the OPTIONS
#    section of tcrec-CMD(8), and every command of `tcrec --help` in tcrec(8);
#  - `man --warnings -l` prints no groff warning for any page, lexgrog finds
#    its NAME line (what mandb and whatis read), and at 80 columns each page
#    has NAME, SYNOPSIS, DESCRIPTION and OPTIONS and no line wider than 80.
#   man_pages.sh TCREC MANDIR SCDOC
set -u
tcrec=$1 mandir=$2 scdoc=$3
here=$(dirname "$0")
if [[ -z $scdoc || $scdoc == *NOTFOUND ]]; then
	echo "SKIP: scdoc not installed, the man pages were not built (apt-get install scdoc)"
	exit 77
fi
for tool in man lexgrog; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (apt-get install man-db)"; exit 77; }
done
export LANG=C LC_ALL=C MANPAGER=cat PAGER=cat MAN_KEEP_FORMATTING=
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# The text of section $2 of a page rendered at width $1: from its title line
# to the next title (a line at column 0).
section() {
	MANWIDTH=$1 man -l "$3" 2>/dev/null | awk -v s="$2" '
		/^[A-Z]/ { on = ($0 == s); next }
		on { print }'
}

pages=0 checked=0
for cmd in record print stats export diff interfaces; do
	page=$mandir/tcrec-$cmd.8
	[[ -f $page ]] || { bad "$page: not built"; continue; }
	opts=$("$tcrec" "$cmd" --help | awk -f "$here/help_options.awk")
	[[ -n $opts ]] || bad "$cmd: no option found in --help"
	# wide enough that no paragraph is broken (no hyphenated option)
	text=$(section 1000 OPTIONS "$page")
	missing=()
	for o in $opts; do
		checked=$((checked + 1))
		grep -qE -- "(^|[^-[:alnum:]])$o([^-[:alnum:]]|\$)" <<<"$text" || missing+=("$o")
	done
	((${#missing[@]} == 0)) || bad "tcrec-$cmd(8) OPTIONS lacks ${missing[*]} (listed by tcrec $cmd --help)"
done
commands=$("$tcrec" --help | sed -n '/^Commands:$/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[[ -n $commands ]] || bad "tcrec --help lists no command"
text=$(section 1000 COMMANDS "$mandir/tcrec.8")
for c in $commands; do
	grep -qx " *$c" <<<"$text" || bad "tcrec(8) COMMANDS lacks $c (listed by tcrec --help)"
	[[ -f $mandir/tcrec-$c.8 ]] || bad "no page tcrec-$c.8 for command $c"
done

for page in "$mandir"/*.8; do
	pages=$((pages + 1))
	name=$(basename "$page" .8)
	# one rendering at 80 columns, groff's warnings apart
	out=$(MANWIDTH=80 man --warnings -l "$page" 2>"$W/warn")
	warn=$(cat "$W/warn")
	[[ -z $warn ]] || bad "$name: man --warnings: $warn"
	lexgrog "$page" >/dev/null 2>&1 || bad "$name: lexgrog finds no NAME line: $(lexgrog "$page" 2>&1)"
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS; do
		grep -qx "$s" <<<"$out" || bad "$name: no $s section at 80 columns"
	done
	grep -q "^ *$name - " <<<"$out" || bad "$name: NAME is not '$name - ...'"
	wide=$(awk 'length($0) > 80' <<<"$out")
	[[ -z $wide ]] || bad "$name: lines wider than 80 columns: $(head -1 <<<"$wide")"
done
((pages == 7)) || bad "$pages pages in $mandir, expected 7 (tcrec and one per command)"
[ "$fail" -eq 0 ] && echo "man pages: $pages pages clean, $checked --help options all documented"
exit "$fail"
