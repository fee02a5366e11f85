/* SPDX-License-Identifier: MIT */
/*
 * tcrec log format v3 (v1, v2 still read): writer and reader. The byte-level
 * specification is formats/FORMAT.md; this is its C interface. No libbpf
 * here.
 *
 * Records handed to the writer and returned by the reader carry wall-clock
 * ns in ts_ns.
 */
#ifndef TCREC_TCLOG_H
#define TCREC_TCLOG_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/tcrec.h"

#define TCLOG_NAME_MAX 64
#define TCLOG_IFNAME_MAX 16
#define TCLOG_FILTER_MAX 4096

#define TCLOG_NSNAME_MAX 32
#define TCLOG_CONTAINER_MAX 64

/* One interface of a recording. Since format v2 an interface is a
 * (network namespace, ifindex) pair: the same name or ifindex in two
 * namespaces are two entries. v1 logs read with netns_ino 0. */
struct tclog_iface {
	uint32_t ifindex;
	uint32_t mtu;
	uint8_t mac[6];
	uint16_t link_flags; /* TCLOG_IF_* */
	char name[TCLOG_IFNAME_MAX];
	uint64_t netns_ino;  /* the namespace's nsfs inode; 0 = not known (v1) */
	char ns_name[TCLOG_NSNAME_MAX];        /* `ip netns` name, "host", or "" */
	char container[TCLOG_CONTAINER_MAX];   /* container name, or "" */
};
#define TCLOG_IF_NO_ETH 1u   /* L3 device: Ethernet headers are synthesized */
#define TCLOG_IF_HOST_SIDE 2u /* the host-side peer of a container's veth */

#define TCLOG_COMM_MAX 16
#define TCLOG_CGROUP_MAX 256

/* The owner of a local socket, written into a log once per socket per
 * chunk (format v3). Records refer to it through rec->sock_cookie. */
struct tclog_sock {
	uint64_t cookie;       /* socket cookie, unique per boot; never 0 */
	uint64_t cgroup_id;    /* cgroup v2 id; 0 = not known */
	uint32_t pid;          /* thread group id (initial pid namespace); 0 = not known */
	uint32_t tid;
	uint32_t uid;
	uint32_t flags;        /* TCREC_SOCK_* (bpf/tcrec.h) */
	uint8_t family;        /* 4, 6, or 0 when no packet told */
	uint8_t proto;         /* IPPROTO_* of its first packet */
	uint16_t lport;        /* local and remote port of its first packet, host order */
	uint16_t rport;
	uint8_t laddr[16];     /* IPv4 in the first 4 bytes */
	uint8_t raddr[16];
	char comm[TCLOG_COMM_MAX];
	char cgroup[TCLOG_CGROUP_MAX];     /* cgroup v2 path ("/user.slice/..."), "" = not known */
	char container[TCLOG_CONTAINER_MAX]; /* short container id (podman, docker, containerd)
					      * or "pod<UID>" (Kubernetes) from the cgroup path; "" */
};

/* Per interface and direction, summed over CPUs. */
struct tclog_counters {
	uint64_t seen;
	uint64_t recorded;
	uint64_t filtered;
	uint64_t dropped;
};

struct tclog_header {
	uint64_t start_ns;         /* wall clock when recording started */
	int64_t clock_offset_ns;   /* wall - CLOCK_MONOTONIC, as applied to ts_ns */
	uint32_t snaplen;          /* bytes per record asked for; 0 = metadata only */
	uint32_t snap_cap;         /* the real cap (TCREC_SNAP_MAX) when snaplen asks for more */
	char host[TCLOG_NAME_MAX];
	char kernel[TCLOG_NAME_MAX];
	char filter[TCLOG_FILTER_MAX]; /* empty when no filter */
	/* v2: records' ifindex field holds the slot (index into ifaces[]); v1:
	 * the interface's ifindex. Use tclog_iface_of() rather than either. */
	uint32_t rec_ifslot;
	uint32_t n_ifaces;   /* grows while a v2 log is read: interfaces that
			      * appeared during the recording come in chunks */
	struct tclog_iface ifaces[TCREC_MAX_IFACES];
};

/* The interface a record belongs to, or NULL when the table has none. */
const struct tclog_iface *tclog_iface_of(const struct tclog_header *h,
					 const struct tcrec_record *rec);

/* How people name the interface's namespace: container, else ns_name,
 * else "ns" + inode; "" for a v1 log (netns_ino 0). */
const char *tclog_iface_ns_label(const struct tclog_iface *ifc, char *buf, size_t len);

/* Trailer counters: [slot][dir], slot indexes header.ifaces. */
struct tclog_final {
	struct tclog_counters c[TCREC_MAX_IFACES][2];
};

/* ---------------- writer ---------------- */

struct tclog_writer;

/* Creates (truncates) path and writes the header. NULL with errno on error. */
struct tclog_writer *tclog_writer_open(const char *path, const struct tclog_header *hdr);

/* The same on a descriptor open for writing at offset 0 of an empty file
 * (made by a caller that creates its files its own way). On success the
 * writer owns fd and closes it; on failure fd is left open. */
struct tclog_writer *tclog_writer_fdopen(int fd, const struct tclog_header *hdr);

/* Adds an interface to the table after the header was written (it went
 * into hdr->n_ifaces when the file opened): the entries added since the
 * last flush are written at the next flush as one interface chunk, right
 * before the chunk of records, so that a record never precedes its
 * interface, and adding one does not cut a chunk of records short. Records
 * appended from now on may use the slot. slot must be the table's next
 * slot (-EINVAL otherwise, or when a name does not fit its field). 0 or
 * -errno (-ENOSPC when the table is full: TCREC_MAX_IFACES). */
int tclog_writer_add_iface(struct tclog_writer *w, uint32_t slot, const struct tclog_iface *ifc);

/* Buffers one record (+ rec->cap_len bytes); compresses and writes a chunk
 * when the chunk buffer is full. 0 or -errno (sticky). The record is
 * stored with no socket (its sock_cookie is not kept). */
int tclog_writer_append(struct tclog_writer *w, const struct tcrec_record *rec, const void *bytes);

/* The same for a record of a local socket: sock (NULL = none) is the owner
 * of rec->sock_cookie (sock->cookie must equal it, else -EINVAL). The chunk
 * that holds the record carries sock's entry, once per chunk, so that every
 * chunk reads alone. */
int tclog_writer_append_sock(struct tclog_writer *w, const struct tcrec_record *rec,
			     const void *bytes, const struct tclog_sock *sock);

/* Writes the buffered records as one chunk, then fdatasync is NOT implied.
 * 0 or -errno. No-op when nothing is buffered. */
int tclog_writer_flush(struct tclog_writer *w);

/* Flushes, writes the trailer (index + counters, may be NULL), closes.
 * Returns the first error that happened during the file's life, or 0.
 * Always frees w. NULL-safe. */
int tclog_writer_close(struct tclog_writer *w, const struct tclog_final *fin);

/* Bytes written to the file so far (for rotation and stats). */
uint64_t tclog_writer_bytes(const struct tclog_writer *w);
uint64_t tclog_writer_records(const struct tclog_writer *w);
/* Records in chunks written to the file (buffered ones are not). */
uint64_t tclog_writer_records_stored(const struct tclog_writer *w);
/* Sets fin's `recorded` counters to the records of each interface and
 * direction written to the file so far; the other counters are left. */
void tclog_writer_stored_counts(const struct tclog_writer *w, struct tclog_final *fin);
/* The descriptor written to (to check that the path still names it). */
int tclog_writer_fd(const struct tclog_writer *w);

/* Tuning, best between open and the first append (0 or -EINVAL):
 * zstd level (default 3), raw bytes per chunk before an automatic flush
 * (default 1 MiB), chunk encoding id (default 1, see FORMAT.md; -EBUSY while
 * records are buffered, since a chunk has one encoding). */
int tclog_writer_set_level(struct tclog_writer *w, int level);
int tclog_writer_set_chunk_target(struct tclog_writer *w, size_t bytes);
int tclog_writer_set_encoding(struct tclog_writer *w, uint16_t encoding);

/* After a failed write (e.g. -ENOSPC) the file is cut back to its last
 * complete chunk and the unwritten records stay buffered. Once the cause is
 * gone, this clears the sticky error so the next flush retries them.
 * 0, or the error when the file could not be cut back (it stays failed). */
int tclog_writer_clear_error(struct tclog_writer *w);

/* ---------------- reader ---------------- */

struct tclog_reader;

struct tclog_chunk_info {
	uint64_t offset;   /* file offset of the chunk header */
	uint64_t first_ns; /* smallest wall-clock ts_ns among its records */
	uint64_t last_ns;  /* largest (records of several CPUs interleave slightly) */
	uint32_t records;
};

/* Opens and checks the header. NULL on error with a message in err
 * ("FILE: what is wrong"). */
struct tclog_reader *tclog_reader_open(const char *path, char *err, size_t errlen);

/* The header; the pointer stays valid until close. In a v2 log its table
 * grows (n_ifaces) as interface chunks are read or a seek passes them:
 * read n_ifaces again rather than keeping it. */
const struct tclog_header *tclog_reader_header(const struct tclog_reader *r);

/* Next record: 1 = *rec set (valid until the next call; bytes follow at
 * *bytes, rec->cap_len long), 0 = end of file, -1 = damaged file: message
 * in err naming the file and offset; every record before the damage has
 * been returned. A torn tail (file ends inside a chunk, no trailer) is not
 * an error: it returns 0 and sets tclog_reader_warning(). */
int tclog_reader_next(struct tclog_reader *r, const struct tcrec_record **rec,
		      const uint8_t **bytes, char *err, size_t errlen);

/* The socket of the record tclog_reader_next returned last (whose
 * sock_cookie is then its cookie), or NULL: no socket, or a log older than
 * v3 (sock_cookie 0). Valid until the next tclog_reader_next. */
const struct tclog_sock *tclog_reader_sock(const struct tclog_reader *r);

/* After tclog_reader_next returned -1 for damage: moves past the damaged
 * region to the next chunk that checks out (from the trailer index when it
 * is trusted, else by scanning forward for a valid chunk header), so that
 * tclog_reader_next goes on with the records after it. An index entry that
 * disagrees with its chunk is dropped instead and the walk goes on without
 * the index. 0 with a one-line report in err (file, offset, what, records
 * lost when known, where reading resumes); -1 with err when the scan itself
 * failed (read error). Cost follows the data in the file, not its size:
 * holes are skipped. */
struct tclog_resync {
	uint64_t damage_off;   /* where the damaged chunk (or trailer) starts */
	uint64_t resume_off;   /* next valid chunk; end of the chunks when at_end */
	uint64_t records_lost; /* a lower bound unless lost_exact */
	int lost_exact;
	int at_end;            /* nothing readable after the damage */
};
int tclog_reader_resync(struct tclog_reader *r, struct tclog_resync *out, char *err, size_t errlen);

/* Non-NULL after the reader met a recoverable problem (torn tail, missing
 * trailer): a one-line warning naming the file and the offset. */
const char *tclog_reader_warning(const struct tclog_reader *r);

/* Trailer counters once the end is reached; NULL when the file had no
 * trailer (killed recorder). */
const struct tclog_final *tclog_reader_final(const struct tclog_reader *r);

/* Chunk index of the chunks of records (interface chunks are not listed):
 * from the trailer, or rebuilt by scanning when there is none
 * (tclog_reader_index_rebuilt() then says so). */
int tclog_reader_index(struct tclog_reader *r, const struct tclog_chunk_info **chunks,
		       size_t *n, char *err, size_t errlen);
int tclog_reader_index_rebuilt(const struct tclog_reader *r);

/* Positions the reader at chunk i of the index (next record returned is the
 * chunk's first), after loading the interface chunks before it into the
 * header, so its records find their interfaces (one that cannot be read is
 * a tclog_reader_warning()). 0 or -1 with err. */
int tclog_reader_seek_chunk(struct tclog_reader *r, size_t i, char *err, size_t errlen);

/* Chunks decompressed so far (lets tests prove that skipped chunks were not). */
uint64_t tclog_reader_chunks_decompressed(const struct tclog_reader *r);

/* Size of the file on disk. */
uint64_t tclog_reader_file_size(const struct tclog_reader *r);

/* File offset of the next chunk sequential reading takes: how far into the
 * file reading has got (progress lines). */
uint64_t tclog_reader_offset(const struct tclog_reader *r);

void tclog_reader_close(struct tclog_reader *r);

#endif
