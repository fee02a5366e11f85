/* SPDX-License-Identifier: MIT */
#include "diff_hash.h"

#include <string.h>
#include <sys/random.h>
#include <time.h>

uint64_t diff_fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

uint64_t diff_hash_seed(const void *salt)
{
	uint64_t s;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == (ssize_t)sizeof(s))
		return s;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return diff_fmix64((uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 32 ^ (uintptr_t)salt);
}

/* One multiply per word and a full avalanche at the end: enough for hash
 * tables and 64-bit equality, and cheap at several million packets/s. */
uint64_t diff_hash64(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ull);
	uint64_t w;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 32;
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 32;
	}
	return diff_fmix64(h);
}
