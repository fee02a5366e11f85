# SPDX-License-Identifier: MIT
# The options `tcrec CMD --help` lists under Options:, one a line:
#   tcrec CMD --help | awk -f help_options.awk
# An option line is indented by two spaces and starts with '-'; its option
# column ends at two spaces or at the first word that is neither an option
# nor a value name (VALUE, NS/IF, OUT.svg). "-h, --help" gives both, and so
# does "-v, -vv, -vvv". The section ends at its first blank line.
$0 == "Options:" { on = 1; next }
on && /^[ \t]*$/ { exit }
on && /^  -/ {
	col = substr($0, 3)
	if (match(col, /  +/))
		col = substr(col, 1, RSTART - 1)
	n = split(col, w, " ")
	for (i = 1; i <= n; i++) {
		word = w[i]
		sub(/,$/, "", word)
		if (word ~ /^-/) {
			sub(/[=\[].*/, "", word)
			if (!(word in seen)) {
				seen[word] = 1
				print word
			}
		} else if (word !~ /^[A-Z][A-Z0-9_.\/|:\[\]-]*(\.[a-z]+)?$/) {
			break
		}
	}
}
