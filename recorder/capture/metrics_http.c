/* SPDX-License-Identifier: MIT */
/* --metrics ADDR:PORT: /metrics over HTTP (libmicrohttpd), on exactly the
 * address given. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "logging.h"
#include "metrics.h"
#include "metrics_state.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct metrics_http {
	struct MHD_Daemon *d;
	int fd;
};

/* ":PORT" = 127.0.0.1:PORT, "[V6]:PORT", "V4:PORT"; numeric only. */
static int parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *sl, char *err,
		      size_t len)
{
	const char *colon = strrchr(spec, ':');
	char host[64];

	/* "[::1]" alone: its last colon is inside the brackets */
	if (colon && spec[0] == '[' && (colon == spec || colon[-1] != ']'))
		colon = NULL;
	if (!colon || !colon[1]) {
		snprintf(err, len, "expected ADDR:PORT, [ADDR]:PORT or :PORT");
		return -EINVAL;
	}
	char *end;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (*end || port == 0 || port > 65535 || colon[1] == '-' || colon[1] == '+') {
		snprintf(err, len, "port '%s': expected 1..65535", colon + 1);
		return -EINVAL;
	}
	size_t hl = (size_t)(colon - spec);
	if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']')
		snprintf(host, sizeof(host), "%.*s", (int)(hl - 2), spec + 1);
	else if (hl < sizeof(host))
		snprintf(host, sizeof(host), "%.*s", (int)hl, spec);
	else
		host[0] = '?', host[1] = 0;
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (!hl || inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		if (!hl)
			v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*sl = sizeof(*v4);
		return 0;
	}
	if (spec[0] == '[' && inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*sl = sizeof(*v6);
		return 0;
	}
	snprintf(err, len, "'%.*s' is not a numeric IPv4 address or a [bracketed] IPv6 one",
		 (int)hl, spec);
	return -EINVAL;
}

int metrics_addr_check(const char *spec, char *err, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	return parse_addr(spec, &ss, &sl, err, len);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, char *body, size_t n,
			     const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result plain(struct MHD_Connection *conn, unsigned status, const char *text)
{
	char *body = strdup(text);

	return body ? reply(conn, status, body, strlen(body), "text/plain; charset=utf-8") : MHD_NO;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_len, void **state)
{
	struct metrics *m = cls;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)state;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return plain(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (strcmp(url, "/metrics"))
		return plain(conn, MHD_HTTP_NOT_FOUND, "not found: tcrec serves /metrics\n");
	char *body = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&body, &n);
	if (!f)
		return MHD_NO;
	int err = metrics_render(m, f);
	if (fclose(f) || err) {
		free(body);
		return plain(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot render the metrics\n");
	}
	return reply(conn, MHD_HTTP_OK, body, n, CONTENT_TYPE);
}

static int bind_listen(const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char why[160];
	int one = 1;

	if (parse_addr(spec, &ss, &sl, why, sizeof(why))) {
		pr_warn("--metrics %s: %s", spec, why);
		return -EINVAL;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		int err = -errno;
		pr_warn("--metrics %s: cannot make a socket: %s", spec, strerror(errno));
		return err;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 16)) {
		int err = -errno;
		pr_warn("--metrics %s: cannot listen: %s%s", spec, strerror(errno),
			err == -EADDRINUSE ? " (another program has this port)" : "");
		close(fd);
		return err;
	}
	return fd;
}

int metrics_http_start(struct metrics *m, const char *spec)
{
	struct metrics_http *h = calloc(1, sizeof(*h));

	if (!h) {
		pr_warn("out of memory");
		return -ENOMEM;
	}
	h->fd = bind_listen(spec);
	if (h->fd < 0) {
		int err = h->fd;
		free(h);
		return err;
	}
	/* the server's thread must not take the SIGINT that ends the recording */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, m,
				MHD_OPTION_LISTEN_SOCKET, h->fd, MHD_OPTION_CONNECTION_LIMIT, 32u,
				MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!h->d) {
		pr_warn("--metrics %s: cannot start the HTTP server", spec);
		close(h->fd);
		free(h);
		return -EIO;
	}
	m->http = h;
	return 0;
}

void metrics_http_stop(struct metrics_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d); /* closes the listening socket too */
	free(h);
}
