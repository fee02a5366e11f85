/* SPDX-License-Identifier: MIT */
/* -Z: the recorder goes on as an ordinary user once the privileged work
 * (loading, attaching, opening the output) is done. */
#ifndef TCREC_PRIVDROP_H
#define TCREC_PRIVDROP_H

/* To user and its groups, no capability left (the output files were made
 * the user's when they were created). 0, or -errno after one line saying
 * why. */
int capture_drop_privileges(const char *user);

#endif
