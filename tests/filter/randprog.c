/* SPDX-License-Identifier: MIT */
#include "randprog.h"

#include <string.h>

/* Classic opcodes, spelled out: <pcap/bpf.h> cannot be included next to
 * the eBPF header that cbpf_to_ebpf.h users need. */
enum {
	LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07,
	W = 0x00, H = 0x08, B = 0x10,
	IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, LEN = 0x80, MSH = 0xa0,
	K = 0x00, X = 0x08, RA = 0x10,
	JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40,
	NEG = 0x80, TAX = 0x00, TXA = 0x80,
};

static const uint8_t alu_ops[] = { 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0 };
static const uint8_t jmp_ops[] = { JEQ, JGT, JGE, JSET };
static const uint8_t sizes[] = { W, H, B };

static uint64_t state = 1;

void randprog_seed(uint64_t seed)
{
	state = seed * 0x9e3779b97f4a7c15ull + 1;
}

uint32_t randprog_u32(void)
{
	/* xorshift64*: reproducible from the seed, good enough for tests */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)((state * 0x2545f4914f6cdd1dull) >> 32);
}

static uint32_t below(uint32_t n)
{
	return n ? randprog_u32() % n : 0;
}

/* Offsets: mostly inside small packets, sometimes past them or near 2^32
 * where X + k wraps. */
static uint32_t rnd_off(void)
{
	uint32_t c = below(100);
	if (c < 75)
		return below(100);
	if (c < 88)
		return below(2000);
	if (c < 96)
		return 0xffffffffu - below(8);
	return randprog_u32();
}

static uint32_t rnd_val(void)
{
	static const uint32_t common[] = { 0, 1, 2, 4, 6, 17, 0x0800, 0x86dd, 0x8100, 0x45,
					   0x80000000u, 0xffffffffu, 0xff, 0xffff, 31, 32 };
	uint32_t c = below(100);
	if (c < 35)
		return below(300);
	if (c < 65)
		return common[below(sizeof(common) / sizeof(common[0]))];
	return randprog_u32();
}

static struct cbpf_insn stmt(uint16_t code, uint32_t k)
{
	return (struct cbpf_insn){ .code = code, .k = k };
}

static struct cbpf_insn random_insn(size_t pc, size_t n)
{
	/* furthest forward step that still lands on an instruction */
	uint32_t room = (uint32_t)(n - 2 - pc);
	uint32_t c = below(100);
	uint8_t sz = sizes[below(3)];

	if (c < 14)
		return stmt(LD | sz | ABS, rnd_off());
	if (c < 24)
		return stmt(LD | sz | IND, rnd_off());
	if (c < 28)
		return stmt(LDX | B | MSH, rnd_off());
	if (c < 34)
		return stmt((below(2) ? LD : LDX) | IMM, rnd_val());
	if (c < 38)
		return stmt((below(2) ? LD : LDX) | MEM, below(16));
	if (c < 40)
		return stmt((below(2) ? LD : LDX) | W | LEN, 0);
	if (c < 46)
		return stmt(below(2) ? ST : STX, below(16));
	if (c < 64) {
		uint8_t op = alu_ops[below(sizeof(alu_ops))];
		if (below(2))
			return stmt(ALU | op | X, 0);
		uint32_t k = rnd_val();
		if (op == 0x60 || op == 0x70)
			k %= 32;
		if ((op == 0x30 || op == 0x90) && k == 0)
			k = 1 + below(100);
		return stmt(ALU | op | K, k);
	}
	if (c < 66)
		return stmt(ALU | NEG, 0);
	if (c < 70)
		return stmt(MISC | (below(2) ? TAX : TXA), 0);
	if (c < 72)
		return stmt(JMP | JA, below(room + 1));
	if (c < 97) {
		struct cbpf_insn j = stmt(JMP | jmp_ops[below(4)] | (below(3) ? K : X), rnd_val());
		uint32_t r = room > 255 ? 255 : room;
		j.jt = (uint8_t)below(r + 1);
		j.jf = (uint8_t)below(r + 1);
		return j;
	}
	return stmt(RET | (below(2) ? K : RA), rnd_val());
}

/* Replaces reads of scratch words not written on every path before them. */
static void fix_memory(struct cbpf_insn *p, size_t n)
{
	uint16_t in[RANDPROG_MAX];

	for (size_t i = 0; i < n; i++)
		in[i] = 0xffff; /* unreached so far: nothing known to be missing */
	in[0] = 0;
	for (size_t pc = 0; pc < n; pc++) {
		uint16_t cur = in[pc];
		uint16_t cls = p[pc].code & 0x07;
		if ((cls == LD || cls == LDX) && (p[pc].code & 0xe0) == MEM && !(cur & (1u << p[pc].k)))
			p[pc] = stmt(cls | IMM, rnd_val());
		if (cls == ST || cls == STX)
			cur |= (uint16_t)(1u << p[pc].k);
		if (cls == RET)
			continue;
		if (cls == JMP) {
			if ((p[pc].code & 0xf0) == JA) {
				in[pc + 1 + p[pc].k] &= cur;
			} else {
				in[pc + 1 + p[pc].jt] &= cur;
				in[pc + 1 + p[pc].jf] &= cur;
			}
			continue;
		}
		in[pc + 1] &= cur;
	}
}

size_t randprog_generate(struct cbpf_insn *p)
{
	size_t n = 2 + below(RANDPROG_MAX - 1);

	for (size_t pc = 0; pc + 1 < n; pc++)
		p[pc] = random_insn(pc, n);
	p[n - 1] = stmt(RET | (below(10) < 7 ? RA : K), rnd_val());
	fix_memory(p, n);
	return n;
}

uint32_t randprog_packet(uint8_t *buf, size_t size)
{
	uint32_t len = 14 + below((uint32_t)(size > 160 ? 160 : size) - 14 + 1);

	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)randprog_u32();
	uint32_t c = below(10), off = 12;
	if (c < 3 && len >= 18) {
		buf[12] = 0x81;
		buf[13] = 0x00;
		off = 16;
	}
	if (c < 7 && off + 2 <= len) {
		int v6 = below(3) == 0;
		buf[off] = v6 ? 0x86 : 0x08;
		buf[off + 1] = v6 ? 0xdd : 0x00;
		if (off + 3 <= len)
			buf[off + 2] = v6 ? 0x60 : 0x45;
	}
	return len;
}
