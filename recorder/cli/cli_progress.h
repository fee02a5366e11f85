/* SPDX-License-Identifier: MIT */
/*
 * The progress line of export, stats and diff (read/progress.h): when it is
 * drawn (--progress, --no-progress, else a terminal on stderr) and what it
 * measures (the bytes of the inputs consumed).
 */
#ifndef TCREC_CLI_PROGRESS_H
#define TCREC_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct log_input;
struct diff_src;
struct progress;

/* getopt_long values of the two options: above every command's own. */
enum { CLI_OPT_PROGRESS = 1100, CLI_OPT_NO_PROGRESS };

#define CLI_PROGRESS_LONGOPTS                                          \
	{ "progress", no_argument, NULL, CLI_OPT_PROGRESS },           \
	{ "no-progress", no_argument, NULL, CLI_OPT_NO_PROGRESS }

enum cli_progress_mode { CLI_PROGRESS_AUTO, CLI_PROGRESS_ON, CLI_PROGRESS_OFF };

/* Option c: 1 when it was one of the two (*mode set), else 0. */
int cli_progress_option(int c, enum cli_progress_mode *mode);

/* Whether to draw the line: forced on or off, else when stderr is a
 * terminal and stdout does not stream results as they come (streams:
 * export -o -, diff --packets), since what reads them often prints on the
 * same terminal, and a line redrawn among them would break them up. */
bool cli_progress_wanted(enum cli_progress_mode mode, bool streams);

/* The line over a log_input, ticked once per packet read. */
struct cli_progress {
	struct progress *meter; /* NULL: no line */
	struct log_input *in;
	uint64_t packets;
};

/* Starts the line labelled "tcrec CMD" when on (out of memory: no line). */
void cli_progress_begin(struct cli_progress *cp, bool on, const char *label, struct log_input *in);
void cli_progress_redraw(struct cli_progress *cp);

/* Per packet: the clock is read every 256 packets, the inputs' positions
 * only when a redraw is due. */
static inline void cli_progress_packet(struct cli_progress *cp)
{
	if (cp->meter && !(++cp->packets & 255))
		cli_progress_redraw(cp);
}

/* The last state and a newline (read/progress.h). */
void cli_progress_end(struct cli_progress *cp);

/* diff: a thread of its own samples both sides as their reader threads
 * go (diff_src_progress). NULL when off or on failure (then no line). */
struct cli_progress_diff;
struct cli_progress_diff *cli_progress_diff_begin(bool on, struct diff_src *const src[2]);
/* Stops the thread, draws the last state. NULL-safe. */
void cli_progress_diff_end(struct cli_progress_diff *d);

#endif
