/* SPDX-License-Identifier: MIT */
#include "sock_label.h"

#include <stdio.h>

#include "packet_text.h"

const char *sock_label(char *buf, size_t len, const struct tclog_sock *sock)
{
	char comm[TCLOG_COMM_MAX + 1], safe[TCLOG_COMM_MAX * 4 + 1];
	if (!sock) {
		snprintf(buf, len, "-");
		return buf;
	}
	/* comm comes from the kernel unterminated when it is 16 bytes long */
	snprintf(comm, sizeof(comm), "%.*s", TCLOG_COMM_MAX, sock->comm);
	packet_text_escape(safe, sizeof(safe), comm[0] ? comm : "?");
	if (sock->pid)
		snprintf(buf, len, "%s:%u", safe, sock->pid);
	else
		snprintf(buf, len, "%s:?", safe);
	return buf;
}
