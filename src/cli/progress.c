/* Scan progress on stderr: a live line on a terminal, a plain line every 10 s elsewhere. */
#include <sys/ioctl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define LINE_INTERVAL	10.0	/* seconds between plain lines */
#define LIVE_INTERVAL	0.2	/* seconds between redraws */

static double
now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A serial line is a terminal too, but one that scrolls slowly and is
 * often logged: it gets plain lines, as does TERM=dumb. */
static bool
live_capable(int fd)
{
	static const char *const serial[] = { "/dev/ttyS", "/dev/ttyAMA",
	    "/dev/ttyUSB", "/dev/console" };
	const char *term = getenv("TERM"), *name;
	size_t i;

	if (!isatty(fd) || (term != NULL && strcmp(term, "dumb") == 0))
		return false;
	if ((name = ttyname(fd)) == NULL)
		return true;
	for (i = 0; i < sizeof(serial) / sizeof(serial[0]); i++)
		if (strncmp(name, serial[i], strlen(serial[i])) == 0)
			return false;
	return true;
}

/* EXHUME_PROGRESS_INTERVAL: seconds between plain lines, for tests. */
static double
line_interval(void)
{
	const char *env = getenv("EXHUME_PROGRESS_INTERVAL");
	char *end;
	double v;

	if (env == NULL || *env == '\0')
		return LINE_INTERVAL;
	errno = 0;
	v = strtod(env, &end);
	if (errno != 0 || *end != '\0' || !(v >= 0 && v <= 3600))
		return LINE_INTERVAL;
	return v;
}

void
cli_progress_init(struct cli_progress *pr, enum cli_progress_mode mode,
    FILE *fp)
{
	const char *samples = getenv("EXHUME_PROGRESS_SAMPLES");

	memset(pr, 0, sizeof(*pr));
	pr->fp = fp;
	if (mode == CLI_PROGRESS_AUTO)
		mode = live_capable(fileno(fp)) ? CLI_PROGRESS_LIVE :
		    CLI_PROGRESS_LINES;
	pr->mode = mode;
	pr->interval = mode == CLI_PROGRESS_LIVE ? LIVE_INTERVAL :
	    line_interval();
	pr->start = now_secs();
	pr->last_print = pr->start;
	exh_scan_eta_init(&pr->eta);
	/* Measured figures for make bench; never evidence, never stdout. */
	if (samples != NULL && *samples == '/' &&
	    (pr->samples = fopen(samples, "a")) == NULL)
		cli_warn("%s: cannot open for progress samples: %s", samples,
		    exh_strerror(errno));
}

bool
cli_progress_wanted(const struct cli_progress *pr)
{
	return pr->mode != CLI_PROGRESS_NONE || pr->samples != NULL;
}

/* Terminal columns of stderr; 80 when it does not say. */
static size_t
columns(FILE *fp)
{
	struct winsize ws;

	if (ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

static void
fmt_secs(double secs, char *dst, size_t len)
{
	long s = secs < 0 ? 0 : secs > 359999 ? 359999 : (long)(secs + 0.5);

	if (s >= 3600)
		(void)snprintf(dst, len, "%ld:%02ld:%02ld", s / 3600,
		    s / 60 % 60, s % 60);
	else
		(void)snprintf(dst, len, "%ld:%02ld", s / 60, s % 60);
}

/* Phase, counts, bytes, rate, ETA and findings of the last report. */
static void
status_text(const struct cli_progress *pr, struct exh_buf *b)
{
	const struct exh_scan_progress *p = &pr->last;
	const char *phase = pr->eta.phase;
	char done[32], total[32], rate[32], eta[32];
	double left = exh_scan_eta_left(&pr->eta);

	exh_size_text(p->bytes_done, done, sizeof(done));
	exh_size_text(p->bytes_total, total, sizeof(total));
	/* No rate before time has passed in the phase. */
	if (exh_scan_eta_elapsed(&pr->eta) >= 0.5)
		exh_size_text((uint64_t)exh_scan_eta_rate(&pr->eta), rate,
		    sizeof(rate));
	else
		(void)snprintf(rate, sizeof(rate), "--");
	if (strcmp(phase, "counting") == 0) {
		exh_buf_printf(b, "counting: %" PRIu64 " files, %s to read",
		    p->streams_total, total);
		return;
	}
	if (strcmp(phase, "image-hash") == 0 ||
	    strcmp(phase, "verify-image") == 0) {
		if (left >= 0)
			fmt_secs(left, eta, sizeof(eta));
		else
			(void)snprintf(eta, sizeof(eta), "--");
		exh_buf_printf(b, "%s: %s/%s, %s/s, ETA %s",
		    phase[0] == 'i' ? "hashing image files" :
		    "image check (whole image read)", done,
		    p->bytes_total > 0 ? total : "?", rate, eta);
		return;
	}
	if (strcmp(phase, "done") == 0) {
		fmt_secs(pr->now - pr->start, eta, sizeof(eta));
		exh_buf_printf(b, "files done: %" PRIu64 " files, %s read, "
		    "%s elapsed", p->streams_done, done, eta);
	} else {
		if (left >= 0)
			fmt_secs(left, eta, sizeof(eta));
		else
			(void)snprintf(eta, sizeof(eta), "--");
		exh_buf_printf(b, "%s: %" PRIu64 "/%" PRIu64 " files, %s/%s, "
		    "%s/s, ETA %s", strcmp(phase, "logs") == 0 ? "logs" :
		    "scanning", p->streams_done, p->streams_total, done,
		    p->bytes_total > 0 ? total : "?", rate, eta);
	}
	exh_buf_printf(b, "; %zu alert, %zu warning, %zu notice",
	    p->by_level[EXH_LEVEL_ALERT], p->by_level[EXH_LEVEL_WARNING],
	    p->by_level[EXH_LEVEL_NOTICE]);
}

/* Columns a UTF-8 string takes, one per code point (an estimate for
 * wide characters). */
static size_t
width_of(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

/* Appends the escaped path's tail so the whole line fits in cols. */
static void
put_path(struct exh_buf *b, const char *path, size_t cols)
{
	struct exh_buf e = { 0 };
	size_t used = width_of(b->data, b->len), off = 0, w;

	if (path == NULL || *path == '\0' || used + 8 >= cols ||
	    exh_esc_term(&e, path, strlen(path)) != EXH_OK || e.len == 0) {
		exh_buf_free(&e);
		return;
	}
	w = width_of(e.data, e.len);
	/* "  " and, when cut, "..." before the tail. */
	if (used + 2 + w > cols) {
		/* Drop code points from the front until the rest fits. */
		while (off < e.len && used + 5 + w > cols) {
			off++;
			while (off < e.len &&
			    ((unsigned char)e.data[off] & 0xc0) == 0x80)
				off++;
			w--;
		}
		exh_buf_puts(b, "  ...");
	} else
		exh_buf_puts(b, "  ");
	exh_buf_append(b, e.data + off, e.len - off);
	exh_buf_free(&e);
}

/* The whole line cut to cols (the path is cut first, see put_path). */
static void
cut_to(struct exh_buf *b, size_t cols)
{
	size_t i, w = 0;

	for (i = 0; i < b->len; i++) {
		if (((unsigned char)b->data[i] & 0xc0) != 0x80 && ++w > cols) {
			b->len = i;
			b->data[i] = '\0';
			return;
		}
	}
}

static void
clear_live(struct cli_progress *pr)
{
	if (pr->drawn)
		fputs("\r\033[K", pr->fp);
	pr->drawn = false;
}

void
cli_progress_clear(struct cli_progress *pr)
{
	clear_live(pr);
	/* The next report redraws at once. */
	pr->last_print = pr->mode == CLI_PROGRESS_LIVE ? 0 : pr->last_print;
}

/* A line that stays: a plain progress line or a phase's last state. */
static void
print_line(struct cli_progress *pr)
{
	struct exh_buf b = { 0 };

	exh_buf_puts(&b, "progress: ");
	status_text(pr, &b);
	clear_live(pr);
	if (b.data != NULL)
		fprintf(pr->fp, "%s\n", b.data);
	fflush(pr->fp);
	exh_buf_free(&b);
	pr->last_print = pr->now;
	pr->printed = true;
}

static void
draw_live(struct cli_progress *pr, const char *path)
{
	struct exh_buf b = { 0 };
	size_t cols = columns(pr->fp) - 1;

	status_text(pr, &b);
	if (b.data == NULL)
		return;
	put_path(&b, path, cols);
	cut_to(&b, cols);
	fprintf(pr->fp, "\r%s\033[K", b.data);
	fflush(pr->fp);
	exh_buf_free(&b);
	pr->drawn = true;
	pr->last_print = pr->now;
}

static void
sample(struct cli_progress *pr)
{
	const struct exh_scan_progress *p = &pr->last;

	fprintf(pr->samples, "%.3f %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %"
	    PRIu64 " %.3f\n", pr->now - pr->start, pr->eta.phase,
	    p->streams_done, p->streams_total, p->bytes_done, p->bytes_total,
	    exh_scan_eta_left(&pr->eta));
}

void
cli_progress_report(void *ctx, const struct exh_scan_progress *p)
{
	struct cli_progress *pr = ctx;
	const char *phase = p->phase != NULL ? p->phase : "";
	bool new_phase = strncmp(pr->eta.phase, phase,
	    sizeof(pr->eta.phase)) != 0;

	/* The phase that ends gets its last state on a line of its own
	 * ("done" is that line for the file scan). */
	if (new_phase && pr->eta.phase[0] != '\0' && !pr->printed &&
	    strcmp(phase, "done") != 0 && pr->mode != CLI_PROGRESS_NONE)
		print_line(pr);
	pr->now = now_secs();
	exh_scan_eta_update(&pr->eta, p, pr->now);
	pr->last = *p;
	pr->last.current_path = NULL;
	pr->last.phase = NULL;
	/* This state is new: not on a line until print_line puts it there. */
	pr->printed = false;
	if (pr->samples != NULL)
		sample(pr);
	if (pr->mode == CLI_PROGRESS_NONE)
		return;
	if (strcmp(phase, "done") == 0)
		print_line(pr);
	else if (pr->mode == CLI_PROGRESS_LIVE) {
		if (new_phase || pr->now - pr->last_print >= pr->interval)
			draw_live(pr, p->current_path);
	} else if (pr->now - pr->last_print >= pr->interval)
		print_line(pr);
}

void
cli_progress_end(struct cli_progress *pr)
{
	if (pr->mode != CLI_PROGRESS_NONE && pr->eta.phase[0] != '\0' &&
	    !pr->printed)
		print_line(pr);
	clear_live(pr);
	fflush(pr->fp);
	if (pr->samples != NULL)
		fclose(pr->samples);
	pr->samples = NULL;
	pr->eta.phase[0] = '\0';
}
