/* SPDX-License-Identifier: MIT */
/*
 * The socket mark map, as both BPF objects declare it: the owner programs
 * write it, the capture programs read it, and the recorder makes them share
 * one (the capture object reuses the owner object's map, which needs the
 * same definition).
 */
#ifndef TCREC_OWNER_BPF_H
#define TCREC_OWNER_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "bpf/owner.h"

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct tcrec_sock_mark);
} sock_marks SEC(".maps");

#endif
