/* SPDX-License-Identifier: MIT */
/* What `tcrec record` checks about its output before any kernel work, so
 * that a wrong -w, -Z or a second recorder costs nothing and touches
 * nothing. */
#ifndef TCREC_OUTPUT_PREPARE_H
#define TCREC_OUTPUT_PREPARE_H

#include "record_opts.h"

/* Resolves -Z into o->run_uid/run_gid, checks that the output's directory
 * takes new files (and that the -Z user can make them when rotating), and
 * that no other recorder writes the output. 0, or -errno after one line. */
int output_prepare(struct record_opts *o);

/* Whether user (uid, gid and groups) may create files in dir: asked of
 * the kernel by a child that becomes the user. 0 or -errno. */
int user_can_create(const char *user, uid_t uid, gid_t gid, const char *dir);

#endif
