# SPDX-License-Identifier: MIT
# promtool, the checker of Prometheus' text format, from Debian's prometheus
# package unpacked into a cache dir: installing the package would also
# install and start a Prometheus server. Source after tests/lib/netns.sh.

# metrics_promtool DIR: PROMTOOL set to a promtool that runs, fetched into DIR
# once (apt-get download, then apt-get update and again if the lists are
# missing). Skips (77) when it cannot be had, saying why.
metrics_promtool() {
	local dir=$1
	PROMTOOL=$dir/x/usr/bin/promtool
	if [[ -x $PROMTOOL ]] && "$PROMTOOL" --version >/dev/null 2>&1; then
		return 0
	fi
	tl_require_tools apt-get dpkg-deb
	mkdir -p "$dir"
	local deb
	deb=$(ls "$dir"/prometheus_*.deb 2>/dev/null | head -1 || true)
	if [[ -z $deb ]]; then
		(cd "$dir" && apt-get download prometheus >"$dir/download.log" 2>&1) ||
			{ apt-get update >"$dir/update.log" 2>&1 &&
				(cd "$dir" && apt-get download prometheus >"$dir/download.log" 2>&1); } ||
			tl_skip "promtool missing: 'apt-get download prometheus' failed ($(tail -1 "$dir/download.log"))"
		deb=$(ls "$dir"/prometheus_*.deb | head -1)
	fi
	rm -rf "$dir/x"
	dpkg-deb -x "$deb" "$dir/x" || tl_skip "promtool missing: cannot unpack $deb"
	"$PROMTOOL" --version >/dev/null 2>&1 || tl_skip "promtool missing: $PROMTOOL does not run here"
}
