/* SPDX-License-Identifier: MIT */
/*
 * The hashes of the diff's tables: fast, non-cryptographic, seeded per run
 * so that crafted input cannot aim its keys at one bucket.
 */
#ifndef TCREC_DIFF_HASH_H
#define TCREC_DIFF_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Mixes the bits of h (MurmurHash3's finaliser). */
uint64_t diff_fmix64(uint64_t h);
/* A seed per run and table; salt (any address) tells tables apart. */
uint64_t diff_hash_seed(const void *salt);
/* A fast non-cryptographic 64-bit hash of len bytes. */
uint64_t diff_hash64(const void *data, size_t len, uint64_t seed);

#endif
