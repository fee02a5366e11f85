/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* pipe2 */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "logging.h"

extern char **environ;

#define TOOL_TIMEOUT_MS 10000
#define TOOL_OUT_MAX (1 << 20)

static const char *const tools_known[] = { "podman", "docker" };

static bool on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
		if (n && access(buf, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Reads the child's stdout into a malloc'd string until EOF or timeout. */
static char *read_all(int fd, pid_t pid)
{
	size_t len = 0, cap = 4096;
	char *out = malloc(cap);
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (out) {
		long left = TOOL_TIMEOUT_MS - ms_since(&t0);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			kill(pid, SIGKILL); /* a hung daemon must not hang the recorder */
			break;
		}
		if (len + 1 >= cap) {
			char *bigger = cap < TOOL_OUT_MAX ? realloc(out, cap * 2) : NULL;
			if (!bigger)
				break;
			out = bigger;
			cap *= 2;
		}
		ssize_t n = read(fd, out + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (out)
		out[len] = 0;
	return out;
}

/* Runs argv with stdout captured, stderr dropped. The output (malloc'd)
 * when it exits 0, else NULL. */
static char *run_tool(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	int pfd[2];
	pid_t pid;
	char *out = NULL;
	int status;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (err) {
		close(pfd[0]);
		return NULL;
	}
	out = read_all(pfd[0], pid);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* "PID NAME" lines as `--format '{{.State.Pid}} {{.Name}}'` prints them;
 * docker's names start with '/'. */
static bool parse_line(const char *line, struct container_info *ci)
{
	char name[CONTAINER_NAME_MAX + 2];

	memset(ci, 0, sizeof(*ci));
	if (sscanf(line, "%d %65s", &ci->pid, name) != 2 || ci->pid < 0)
		return false;
	const char *n = name[0] == '/' ? name + 1 : name;
	size_t len = strnlen(n, sizeof(ci->name) - 1);
	memcpy(ci->name, n, len);
	ci->name[len] = 0;
	return true;
}

#define INSPECT_FORMAT "{{.State.Pid}} {{.Name}}"

int container_resolve(const char *spec, struct container_info *out, char *tools, size_t len)
{
	bool any = false;

	tools[0] = 0;
	for (size_t i = 0; i < sizeof(tools_known) / sizeof(tools_known[0]); i++) {
		const char *tool = tools_known[i];
		if (!on_path(tool))
			continue;
		snprintf(tools + strlen(tools), len - strlen(tools), "%s%s", any ? ", " : "", tool);
		any = true;
		/* "--": a name that starts with '-' is a name, not an option */
		char *argv[] = { (char *)tool, "container", "inspect", "--format", INSPECT_FORMAT,
				 "--", (char *)spec, NULL };
		char *text = run_tool(argv);
		bool ok = text && parse_line(text, out);
		free(text);
		if (ok)
			return 0;
	}
	return any ? -ENOENT : -ENOEXEC;
}

/* Splits the ids `ps -q` printed into an argv after the inspect words. */
static char **inspect_argv(const char *tool, char *ids, size_t *n_ids)
{
	size_t cap = 8, n = 0;
	char **argv = malloc(cap * sizeof(*argv));
	char *save = NULL;

	if (!argv)
		return NULL;
	const char *head[] = { tool, "container", "inspect", "--format", INSPECT_FORMAT };
	for (size_t i = 0; i < 5; i++)
		argv[n++] = (char *)head[i];
	for (char *id = strtok_r(ids, " \n", &save); id; id = strtok_r(NULL, " \n", &save)) {
		if (n + 2 > cap) {
			char **bigger = realloc(argv, (cap *= 2) * sizeof(*argv));
			if (!bigger) {
				free(argv);
				return NULL;
			}
			argv = bigger;
		}
		argv[n++] = id;
	}
	argv[n] = NULL;
	*n_ids = n - 5;
	return argv;
}

/* true when the tool answered (even with no container) */
static bool list_with(const char *tool, struct container_info **out, size_t *n)
{
	char *ps_argv[] = { (char *)tool, "ps", "-q", NULL };
	char *ids = run_tool(ps_argv), *text = NULL, *save = NULL;
	size_t n_ids = 0;
	char **argv = ids ? inspect_argv(tool, ids, &n_ids) : NULL;

	bool answered = ids != NULL;

	if (!argv || !n_ids)
		goto cleanup;
	text = run_tool(argv);
	*out = text ? calloc(n_ids, sizeof(**out)) : NULL;
	if (!*out)
		goto cleanup;
	for (char *l = strtok_r(text, "\n", &save); l && *n < n_ids; l = strtok_r(NULL, "\n", &save))
		if (parse_line(l, &(*out)[*n]) && (*out)[*n].pid > 0)
			(*n)++;
cleanup:
	free(argv);
	free(ids);
	free(text);
	return answered;
}

int container_list(struct container_info **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < sizeof(tools_known) / sizeof(tools_known[0]); i++) {
		if (!on_path(tools_known[i]))
			continue;
		if (list_with(tools_known[i], out, n))
			return 0;
	}
	return 0;
}
