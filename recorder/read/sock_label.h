/* SPDX-License-Identifier: MIT */
/* How a socket's owner is named in text output: "comm:pid". */
#ifndef TCREC_SOCK_LABEL_H
#define TCREC_SOCK_LABEL_H

#include <stddef.h>

#include "formats/tclog.h"

/* "curl:4242" with the comm made safe on a terminal (packet_text_escape);
 * "?" stands for what the table does not know; "-" for no socket (NULL).
 * Returns buf (always NUL-terminated). */
const char *sock_label(char *buf, size_t len, const struct tclog_sock *sock);

/* Room sock_label needs for any socket. */
#define SOCK_LABEL_MAX (TCLOG_COMM_MAX * 4 + 16)

#endif
