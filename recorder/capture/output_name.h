/* SPDX-License-Identifier: MIT */
/*
 * The names `tcrec record` gives its files: checking a -w template for
 * strftime codes that would make unusable names, and telling which files
 * of a directory belong to a ring made from the same template.
 */
#ifndef TCREC_OUTPUT_NAME_H
#define TCREC_OUTPUT_NAME_H

#include <stdbool.h>
#include <stddef.h>

/* A -w template used with strftime (-G): 0, or -1 with why set (the code
 * at fault and what it would do). */
int output_name_check(const char *tmpl, char *why, size_t whylen);

/* Does name (no directory) come from the template's last component tmpl:
 * strftime codes stand for any text when by_time, then the ring's count
 * (digits), then maybe a collision suffix ".N"? */
bool output_name_in_ring(const char *tmpl, bool by_time, const char *name);

#endif
