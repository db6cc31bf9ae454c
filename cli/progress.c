// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * A one-line progress bar on stderr for work that can take more than
 * about a second: discovery of a large platform, enable/disable of many
 * DEs, record, report of a large file. Drawn only when stderr is a
 * terminal and -q was not given, first after 300 ms of work (quick runs
 * stay silent; $STLM_PROGRESS_DELAY_MS changes that), then at most ten
 * times a second; cleared at the end so
 * that the next line starts on a clean line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define FIRST_NS 300000000ull
#define EVERY_NS 100000000ull

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool cli_progress_wanted(struct cli *c)
{
	return c && !c->quiet && isatty(STDERR_FILENO);
}

void cli_progress_begin(struct cli_progress *p, struct cli *c,
			const char *label, uint64_t total)
{
	memset(p, 0, sizeof(*p));
	p->c = cli_progress_wanted(c) ? c : NULL;
	p->label = label;
	p->total = total;
	p->start_ns = mono_ns();
	p->delay_ns = FIRST_NS;
	if (getenv("STLM_PROGRESS_DELAY_MS")) {
		char *end;
		unsigned long ms = strtoul(getenv("STLM_PROGRESS_DELAY_MS"),
					   &end, 10);

		if (!*end && ms <= 60000)
			p->delay_ns = (uint64_t)ms * 1000000ull;
	}
}

static void human(double v, char *buf, size_t len)
{
	if (v >= 1e6)
		snprintf(buf, len, "%.1fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.1fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

void cli_progress_update(struct cli_progress *p, uint64_t done)
{
	uint64_t now;
	double secs, rate;
	char bar[24], r[16];
	int width = 20, fill;

	if (!p->c)
		return;
	now = mono_ns();
	if (now - p->start_ns < p->delay_ns ||
	    (p->shown && now - p->last_ns < EVERY_NS))
		return;
	p->last_ns = now;
	secs = (double)(now - p->start_ns) / 1e9;
	rate = secs > 0 ? (double)done / secs : 0;
	human(rate, r, sizeof(r));
	if (p->bytes) {
		char d[16], t[16];

		human((double)done, d, sizeof(d));
		human((double)p->total, t, sizeof(t));
		fill = p->total ? (int)((double)width *
					(double)(done > p->total ? p->total : done) /
					(double)p->total) : 0;
		memset(bar, '#', (size_t)fill);
		memset(bar + fill, '-', (size_t)(width - fill));
		bar[width] = '\0';
		fprintf(stderr, "\r\033[K%s [%s] %sB/%sB  %sB/s", p->label, bar,
			d, t, r);
	} else if (p->total) {
		fill = (int)((double)width * (double)(done > p->total ?
						       p->total : done) /
			     (double)p->total);
		memset(bar, '#', (size_t)fill);
		memset(bar + fill, '-', (size_t)(width - fill));
		bar[width] = '\0';
		fprintf(stderr, "\r\033[K%s [%s] %llu/%llu  %s/s", p->label, bar,
			(unsigned long long)done,
			(unsigned long long)p->total, r);
	} else {
		fprintf(stderr, "\r\033[K%s %llu  %s/s", p->label,
			(unsigned long long)done, r);
	}
	fflush(stderr);
	p->shown = true;
}

void cli_progress_end(struct cli_progress *p)
{
	if (p->c && p->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->shown = false;
	p->c = NULL;
}

void cli_lib_progress(void *data, const char *what, uint64_t done,
		      uint64_t total)
{
	static struct cli_progress p;
	static const char *label;

	if (!label || strcmp(label, what)) {
		cli_progress_end(&p);
		cli_progress_begin(&p, data, what, total);
		label = what;
	}
	cli_progress_update(&p, done);
	if (total && done >= total) {
		cli_progress_end(&p);
		label = NULL;
	}
}
