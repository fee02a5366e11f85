/* SPDX-License-Identifier: MIT */
/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as in iSCSI/ext4:
 * init 0xFFFFFFFF, final xor 0xFFFFFFFF. crc32c("123456789") = 0xE3069283. */
#ifndef TCREC_TCLOG_CRC32C_H
#define TCREC_TCLOG_CRC32C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Continues a running CRC: pass 0 to start, the previous result to go on. */
uint32_t tclog_crc32c(uint32_t crc, const void *buf, size_t len);

/* Whether a block's stored checksum matches the one computed over it.
 * Fuzzing builds accept every checksum: a mutated byte must reach the
 * decoders behind the check instead of being rejected by it. */
static inline bool tclog_crc32c_ok(uint32_t computed, uint32_t stored)
{
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	(void)computed;
	(void)stored;
	return true;
#else
	return computed == stored;
#endif
}

#endif
