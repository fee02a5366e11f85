# Sourced by the fuzz scripts: finds clang and its libFuzzer runtime.
# fuzz_find_tools sets $cc and $rt, or says what is missing and returns 1:
# the only reason a fuzz test may skip.
fuzz_find_tools() {
	cc=$(command -v clang || command -v clang-14 || true)
	if [ -z "$cc" ]; then
		echo "clang not found, cannot build fuzz targets" >&2
		return 1
	fi
	rt=$("$cc" -print-file-name=libclang_rt.fuzzer-x86_64.a)
	if [ ! -f "$rt" ]; then
		rt=$(find /usr/lib/llvm-*/lib/clang -name 'libclang_rt.fuzzer*-x86_64.a' 2>/dev/null | head -1)
		if [ -z "$rt" ]; then
			echo "clang's libFuzzer runtime is missing (libclang-rt-dev)" >&2
			return 1
		fi
	fi
}
