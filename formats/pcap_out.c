/* SPDX-License-Identifier: MIT */
#include "pcap_out.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

/* Large enough that a packet costs a memcpy, not a syscall. */
#define OUT_BUF_SIZE (1u << 20)
#define OUT_ZSTD_LEVEL 3

struct pcap_out {
	int fd;
	int own_fd;
	int is_pipe; /* a FIFO or socket: its reader can go away */
	int err;
	enum pcap_out_comp comp;
	uint8_t *buf;
	size_t used;
	uint64_t total;
	ZSTD_CCtx *zc;
	uint8_t *zbuf;
	size_t zbuf_size;
};

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Feeds the buffered bytes to zstd and writes what comes out. */
static int zstd_push(struct pcap_out *o, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = { o->buf, o->used, 0 };
	for (;;) {
		ZSTD_outBuffer out = { o->zbuf, o->zbuf_size, 0 };
		size_t left = ZSTD_compressStream2(o->zc, &out, &in, mode);
		if (ZSTD_isError(left))
			return -EIO;
		int err = write_all(o->fd, o->zbuf, out.pos);
		if (err)
			return err;
		if (mode == ZSTD_e_continue ? in.pos == in.size : left == 0)
			break;
	}
	o->used = 0;
	return 0;
}

static int drain(struct pcap_out *o, ZSTD_EndDirective mode)
{
	if (o->err)
		return o->err;
	int err;
	if (o->comp == PCAP_OUT_ZSTD) {
		err = zstd_push(o, mode);
	} else {
		err = write_all(o->fd, o->buf, o->used);
		o->used = 0;
	}
	if (err)
		o->err = err;
	return err;
}

static struct pcap_out *out_new(int fd, int own_fd, enum pcap_out_comp comp)
{
	struct pcap_out *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->fd = fd;
	o->own_fd = own_fd;
	struct stat st;
	o->is_pipe = !fstat(fd, &st) && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
	o->comp = comp;
	o->buf = malloc(OUT_BUF_SIZE);
	if (!o->buf)
		goto fail;
	if (comp == PCAP_OUT_ZSTD) {
		o->zc = ZSTD_createCCtx();
		o->zbuf_size = ZSTD_CStreamOutSize();
		o->zbuf = malloc(o->zbuf_size);
		if (!o->zc || !o->zbuf)
			goto fail;
		if (ZSTD_isError(ZSTD_CCtx_setParameter(o->zc, ZSTD_c_compressionLevel, OUT_ZSTD_LEVEL)) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(o->zc, ZSTD_c_checksumFlag, 1))) {
			errno = EINVAL;
			goto fail;
		}
	}
	return o;
fail:
	ZSTD_freeCCtx(o->zc);
	free(o->zbuf);
	free(o->buf);
	free(o);
	if (!errno)
		errno = ENOMEM;
	return NULL;
}

struct pcap_out *pcap_out_create(const char *path, enum pcap_out_comp comp)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return NULL;
	struct pcap_out *o = out_new(fd, 1, comp);
	if (!o) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return o;
}

struct pcap_out *pcap_out_fdopen(int fd, enum pcap_out_comp comp)
{
	return out_new(fd, 0, comp);
}

int pcap_out_writev(struct pcap_out *o, const struct iovec *iov, int n)
{
	if (o->err)
		return o->err;
	for (int i = 0; i < n; i++) {
		const uint8_t *p = iov[i].iov_base;
		size_t len = iov[i].iov_len;
		o->total += len;
		while (len) {
			size_t room = OUT_BUF_SIZE - o->used;
			size_t take = len < room ? len : room;
			memcpy(o->buf + o->used, p, take);
			o->used += take;
			p += take;
			len -= take;
			if (o->used == OUT_BUF_SIZE && drain(o, ZSTD_e_continue))
				return o->err;
		}
	}
	return 0;
}

int pcap_out_write(struct pcap_out *o, const void *p, size_t len)
{
	struct iovec iov = { (void *)p, len };
	return pcap_out_writev(o, &iov, 1);
}

/* A pipe whose reader left reports POLLERR to the writer; checking it lets
 * an idle stream notice without waiting for the next packet to fail. */
static int peer_gone(const struct pcap_out *o)
{
	struct pollfd p = { .fd = o->fd, .events = 0 };
	return o->is_pipe && poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

int pcap_out_flush(struct pcap_out *o)
{
	int err = drain(o, ZSTD_e_flush);
	if (!err && peer_gone(o))
		err = o->err = -EPIPE;
	return err;
}

uint64_t pcap_out_bytes(const struct pcap_out *o)
{
	return o->total;
}

int pcap_out_error(const struct pcap_out *o)
{
	return o->err;
}

int pcap_out_close(struct pcap_out *o)
{
	if (!o)
		return 0;
	drain(o, ZSTD_e_end);
	int err = o->err;
	if (o->own_fd && close(o->fd) && !err)
		err = -errno;
	ZSTD_freeCCtx(o->zc);
	free(o->zbuf);
	free(o->buf);
	free(o);
	return err;
}
