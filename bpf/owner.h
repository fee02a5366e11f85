/* SPDX-License-Identifier: MIT */
/*
 * Socket owners, kernel side: what the owner programs (owner.bpf.c) leave
 * on each socket for the capture programs (capture.bpf.c) to find. Both
 * objects declare the map; the recorder makes them share one.
 */
#ifndef TCREC_OWNER_H
#define TCREC_OWNER_H

#include <linux/types.h>

/* Socket local storage: found from the packet's socket in one lookup, and
 * gone with the socket. */
struct tcrec_sock_mark {
	__u64 cookie; /* key of the owner in the socks map */
	__u32 flags;  /* TCREC_SOCK_* (tcrec.h) */
	__u32 pad;
};

/* Owners the recorder has not read yet must survive their socket (a short
 * connection is often closed before its packets are drained): an LRU map
 * that forgets the oldest, not a delete at close. */
#define TCREC_SOCKS_MAX 65536

#endif
