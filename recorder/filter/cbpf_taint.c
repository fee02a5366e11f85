/* SPDX-License-Identifier: MIT */
#include "cbpf_taint.h"

#include <linux/filter.h>

static bool touched(const uint8_t *unknown, uint32_t off, uint32_t size)
{
	for (uint32_t i = 0; i < size; i++)
		if (unknown[off + i])
			return true;
	return false;
}

static uint32_t load(const uint8_t *p, uint32_t off, uint32_t size)
{
	uint32_t v = 0;
	for (uint32_t i = 0; i < size; i++)
		v = v << 8 | p[off + i];
	return v;
}

static bool alu(uint16_t op, uint32_t *a, uint32_t v)
{
	switch (op) {
	case BPF_ADD: *a += v; break;
	case BPF_SUB: *a -= v; break;
	case BPF_MUL: *a *= v; break;
	case BPF_DIV: if (!v) return false; *a /= v; break;
	case BPF_MOD: if (!v) return false; *a %= v; break;
	case BPF_AND: *a &= v; break;
	case BPF_OR: *a |= v; break;
	case BPF_XOR: *a ^= v; break;
	case BPF_LSH: *a = v < 32 ? *a << v : 0; break;
	case BPF_RSH: *a = v < 32 ? *a >> v : 0; break;
	case BPF_NEG: *a = -*a; break;
	default: return false;
	}
	return true;
}

static bool jump(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_JEQ: return a == v;
	case BPF_JGT: return a > v;
	case BPF_JGE: return a >= v;
	case BPF_JSET: return (a & v) != 0;
	default: return false;
	}
}

bool cbpf_reads_unknown(const struct cbpf_insn *prog, size_t n, const uint8_t *pkt,
			const uint8_t *unknown, uint32_t wirelen, uint32_t caplen)
{
	static const uint32_t sizes[] = { [BPF_W >> 3] = 4, [BPF_H >> 3] = 2, [BPF_B >> 3] = 1 };
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

	/* cBPF only jumps forward, so this ends within n steps. */
	for (size_t pc = 0; pc < n; pc++) {
		const struct cbpf_insn *i = &prog[pc];
		uint32_t off, size;
		switch (BPF_CLASS(i->code)) {
		case BPF_RET:
			return false;
		case BPF_LD:
			switch (BPF_MODE(i->code)) {
			case BPF_ABS:
			case BPF_IND: {
				size = BPF_SIZE(i->code) >> 3 < 3 ? sizes[BPF_SIZE(i->code) >> 3] : 0;
				uint64_t off64 = (uint64_t)i->k + (BPF_MODE(i->code) == BPF_IND ? x : 0);
				if (!size || off64 + size > caplen)
					return false; /* bpf_filter rejects here */
				off = (uint32_t)off64;
				if (touched(unknown, off, size))
					return true;
				a = load(pkt, off, size);
				break;
			}
			case BPF_LEN: a = wirelen; break;
			case BPF_IMM: a = i->k; break;
			case BPF_MEM: if (i->k >= BPF_MEMWORDS) return false; a = mem[i->k]; break;
			default: return false;
			}
			break;
		case BPF_LDX:
			switch (BPF_MODE(i->code)) {
			case BPF_LEN: x = wirelen; break;
			case BPF_IMM: x = i->k; break;
			case BPF_MEM: if (i->k >= BPF_MEMWORDS) return false; x = mem[i->k]; break;
			case BPF_MSH:
				if (i->k >= caplen)
					return false;
				if (unknown[i->k])
					return true;
				x = (uint32_t)(pkt[i->k] & 0xf) << 2;
				break;
			default: return false;
			}
			break;
		case BPF_ST:
			if (i->k >= BPF_MEMWORDS) return false;
			mem[i->k] = a;
			break;
		case BPF_STX:
			if (i->k >= BPF_MEMWORDS) return false;
			mem[i->k] = x;
			break;
		case BPF_ALU:
			if (!alu(BPF_OP(i->code), &a, BPF_SRC(i->code) == BPF_X ? x : i->k))
				return false;
			break;
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_JA)
				pc += i->k;
			else
				pc += jump(BPF_OP(i->code), a, BPF_SRC(i->code) == BPF_X ? x : i->k) ? i->jt : i->jf;
			break;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			return false;
		}
	}
	return false;
}
