/* SPDX-License-Identifier: MIT */
/*
 * udpflood: a UDP traffic generator for tests and benchmarks, sending in
 * batches with sendmmsg so that one core pushes hundreds of thousands of
 * packets per second.
 *
 *   udpflood -d DST [-p PORT] [-n COUNT] [-s SIZE] [-r PPS] [-b BATCH] [-f FLOWS]
 *     -d DST     destination IPv4 or IPv6 address
 *     -p PORT    destination port (default 9999)
 *     -n COUNT   packets to send (default 10000)
 *     -s SIZE    UDP payload bytes, >= 16 (default 64)
 *     -r PPS     packets per second, 0 = as fast as possible (default 0)
 *     -b BATCH   packets per sendmmsg call (default 32)
 *     -f FLOWS   source sockets (flows), used round robin (default 1)
 *
 * Payload: 8-byte sequence number and 8-byte flow number (big endian), then
 * a byte pattern, so every packet differs from every other one. Prints the
 * packets handed to the kernel; exit 0, 1 on a socket error, 2 on usage.
 */
#define _GNU_SOURCE /* sendmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH_MAX 1024
#define FLOWS_MAX 256
#define SIZE_MAX_ 65000

struct cfg {
	struct sockaddr_storage dst;
	socklen_t dst_len;
	unsigned long long count, rate;
	unsigned size, batch, flows;
};

static int usage(const char *why)
{
	fprintf(stderr, "udpflood: %s\nusage: udpflood -d DST [-p PORT] [-n COUNT] [-s SIZE] "
			"[-r PPS] [-b BATCH] [-f FLOWS]\n",
		why);
	return 2;
}

static int num(const char *s, unsigned long long min, unsigned long long max,
	       unsigned long long *out)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || !*s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse(int argc, char **argv, struct cfg *c)
{
	const char *dst = NULL;
	unsigned long long port = 9999, v;
	int o;

	c->count = 10000;
	c->rate = 0;
	c->size = 64;
	c->batch = 32;
	c->flows = 1;
	while ((o = getopt(argc, argv, "d:p:n:s:r:b:f:")) != -1) {
		switch (o) {
		case 'd':
			dst = optarg;
			break;
		case 'p':
			if (num(optarg, 1, 65535, &port))
				return usage("-p: port 1..65535");
			break;
		case 'n':
			if (num(optarg, 1, 1ull << 40, &c->count))
				return usage("-n: count >= 1");
			break;
		case 's':
			if (num(optarg, 16, SIZE_MAX_, &v))
				return usage("-s: size 16..65000");
			c->size = (unsigned)v;
			break;
		case 'r':
			if (num(optarg, 0, 100000000, &c->rate))
				return usage("-r: rate 0..1e8");
			break;
		case 'b':
			if (num(optarg, 1, BATCH_MAX, &v))
				return usage("-b: batch 1..1024");
			c->batch = (unsigned)v;
			break;
		case 'f':
			if (num(optarg, 1, FLOWS_MAX, &v))
				return usage("-f: flows 1..256");
			c->flows = (unsigned)v;
			break;
		default:
			return usage("unknown option");
		}
	}
	if (!dst)
		return usage("-d DST is required");
	struct sockaddr_in *s4 = (struct sockaddr_in *)&c->dst;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&c->dst;
	memset(&c->dst, 0, sizeof(c->dst));
	if (inet_pton(AF_INET, dst, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		c->dst_len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, dst, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		c->dst_len = sizeof(*s6);
	} else {
		return usage("-d: not an IPv4 or IPv6 address");
	}
	return 0;
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static struct mmsghdr msgs[BATCH_MAX];
	static struct iovec iov[BATCH_MAX];
	int fds[FLOWS_MAX];
	struct cfg c = { 0 };
	int ret = parse(argc, argv, &c);

	if (ret)
		return ret;
	for (unsigned f = 0; f < c.flows; f++) {
		/* unconnected: an ICMP port unreachable must not stop the flood */
		fds[f] = socket(c.dst.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fds[f] < 0) {
			fprintf(stderr, "udpflood: socket: %s\n", strerror(errno));
			return 1;
		}
	}
	uint8_t *buf = malloc((size_t)c.batch * c.size);
	if (!buf) {
		fprintf(stderr, "udpflood: out of memory\n");
		return 1;
	}
	for (unsigned i = 0; i < c.batch; i++) {
		uint8_t *p = buf + (size_t)i * c.size;
		for (unsigned k = 16; k < c.size; k++)
			p[k] = (uint8_t)(k * 7);
		iov[i] = (struct iovec){ p, c.size };
		msgs[i].msg_hdr = (struct msghdr){ .msg_name = &c.dst, .msg_namelen = c.dst_len,
						   .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	unsigned long long sent = 0;
	uint64_t start = now_ns();
	unsigned flow = 0;
	while (sent < c.count) {
		unsigned n = c.count - sent < c.batch ? (unsigned)(c.count - sent) : c.batch;
		for (unsigned i = 0; i < n; i++) {
			put64(buf + (size_t)i * c.size, sent + i);
			put64(buf + (size_t)i * c.size + 8, flow);
		}
		int k = sendmmsg(fds[flow], msgs, n, 0);
		if (k < 0) {
			if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN) {
				usleep(100);
				continue;
			}
			fprintf(stderr, "udpflood: sendmmsg after %llu packets: %s\n", sent, strerror(errno));
			return 1;
		}
		sent += (unsigned)k;
		flow = (flow + 1) % c.flows;
		if (c.rate) {
			uint64_t due = start + sent * 1000000000ull / c.rate;
			uint64_t t = now_ns();
			if (due > t) {
				struct timespec ts = { (time_t)((due - t) / 1000000000ull),
						       (long)((due - t) % 1000000000ull) };
				nanosleep(&ts, NULL);
			}
		}
	}
	printf("%llu\n", sent);
	free(buf);
	for (unsigned f = 0; f < c.flows; f++)
		close(fds[f]);
	return 0;
}
