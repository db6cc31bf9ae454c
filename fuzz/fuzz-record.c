// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Recordings (cli/record.c, docs/record-format.md): the input is a whole
 * file, in a heap buffer of exactly its size, so any read past the end is
 * caught by ASan.
 *
 * What runs: rec_header_decode() on the input; the record walk with
 * rec_next() from the header's end (or from 0 when the header does not
 * decode, so the walker also sees arbitrary bytes); rec_sample_get() on
 * every sample of every record.
 *
 * Checks: a decoded header re-encodes and decodes to the same fields; a
 * record lies inside the input, right where the walk stood, and every
 * skipped stretch starts there too and stays inside the input; the walk
 * covers the input exactly (records + skipped bytes) and ends; a record
 * re-encoded from its decoded samples has the same size and decodes to the
 * same values.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "record.h"

/* Largest recording a fuzz input may be (resynchronisation costs one CRC
 * per candidate magic, so keep runs fast). */
#define FUZZ_MAX_RECORDING 65536

static bool str_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static void check_header_round_trip(const struct rec_header *h)
{
	struct rec_header d;
	uint8_t *buf;
	size_t len, dlen;

	fuzz_check(rec_header_encode(h, &buf, &len) == 0);
	fuzz_check(rec_header_decode(buf, len, &d, &dlen) == 0);
	fuzz_check(dlen == len);
	fuzz_check(d.protocol_version == h->protocol_version &&
		   d.base_version == h->base_version &&
		   d.impl_version == h->impl_version &&
		   d.n_platform_des == h->n_platform_des &&
		   !memcmp(d.uuid, h->uuid, 16) &&
		   d.created_ns == h->created_ns &&
		   d.interval_ns == h->interval_ns &&
		   d.default_blk_ts_rate_khz == h->default_blk_ts_rate_khz);
	/* Fixed 16-byte strings: compared up to their first NUL. */
	fuzz_check(!strncmp(d.vendor, h->vendor, 16) &&
		   !strncmp(d.sub_vendor, h->sub_vendor, 16));
	fuzz_check(str_eq(d.tool, h->tool) && str_eq(d.host, h->host) &&
		   str_eq(d.uri, h->uri) && str_eq(d.catalog, h->catalog));
	fuzz_check(d.n_des == h->n_des);
	for (uint32_t i = 0; i < d.n_des; i++) {
		const struct rec_de *a = &h->des[i], *b = &d.des[i];

		fuzz_check(a->id == b->id && a->group == b->group &&
			   a->size == b->size &&
			   a->ts_rate_khz == b->ts_rate_khz &&
			   a->compo_instance == b->compo_instance &&
			   a->type == b->type && a->unit == b->unit &&
			   a->unit_exp == b->unit_exp &&
			   a->compo_type == b->compo_type &&
			   a->instance == b->instance &&
			   a->flags == b->flags && a->kind == b->kind);
		fuzz_check(str_eq(a->fw_name, b->fw_name) &&
			   str_eq(a->name, b->name) &&
			   str_eq(a->unit_name, b->unit_name) &&
			   str_eq(a->compo_name, b->compo_name) &&
			   str_eq(a->description, b->description));
		fuzz_check(rec_header_find(&d, a->id) == b);
	}
	rec_header_done(&d);
	free(buf);
}

static bool sample_eq(const struct rec_sample *a, const struct rec_sample *b)
{
	return a->id == b->id && a->flags == b->flags && a->raw == b->raw &&
	       !memcmp(&a->value, &b->value, sizeof(a->value)) &&
	       a->ts == b->ts && a->ts_rate_khz == b->ts_rate_khz;
}

static void check_record(const uint8_t *data, size_t size,
			 const struct rec_record *rec)
{
	struct rec_sample *s;
	struct rec_reader r;
	struct rec_record again;
	struct rec_skip sk;
	uint8_t *buf;
	long n;

	fuzz_check(rec->type == REC_TYPE_SNAPSHOT);
	fuzz_check(rec->size == rec_snapshot_size(rec->n_samples));
	fuzz_check(rec->offset + rec->size <= size);
	fuzz_check(rec->samples == data + rec->offset + REC_PREFIX_SIZE +
					   REC_SNAP_FIXED);
	s = calloc(rec->n_samples + 1, sizeof(*s));
	buf = malloc(rec->size);
	fuzz_check(s && buf);
	for (uint32_t i = 0; i < rec->n_samples; i++)
		rec_sample_get(rec, i, &s[i]);
	n = rec_snapshot_encode(buf, rec->size, rec->time_ns, rec->mono_ns,
				rec->generation, s, rec->n_samples);
	fuzz_check(n == (long)rec->size);
	rec_reader_init(&r, buf, rec->size, 0);
	fuzz_check(rec_next(&r, &again, &sk) == REC_NEXT_RECORD);
	fuzz_check(again.time_ns == rec->time_ns &&
		   again.mono_ns == rec->mono_ns &&
		   again.generation == rec->generation &&
		   again.n_samples == rec->n_samples);
	for (uint32_t i = 0; i < rec->n_samples; i++) {
		struct rec_sample x;

		rec_sample_get(&again, i, &x);
		fuzz_check(sample_eq(&x, &s[i]));
	}
	fuzz_check(rec_next(&r, &again, &sk) == REC_NEXT_END);
	free(buf);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec_header h;
	struct rec_reader r;
	struct rec_record rec;
	struct rec_skip sk;
	size_t hlen = 0, covered, steps = 0;
	uint64_t torn = 0;
	int k;

	if (size > FUZZ_MAX_RECORDING)
		return 0;
	k = rec_header_decode(data, size, &h, &hlen);
	fuzz_check(k == 0 || k == -ENODATA || k == -EBADMSG ||
		   k == -EPROTONOSUPPORT || k == -E2BIG || k == -ENOMEM);
	if (k == 0) {
		fuzz_check(hlen >= REC_FILE_HDR_SIZE && hlen <= size);
		check_header_round_trip(&h);
		rec_header_done(&h);
	} else {
		hlen = 0;
	}

	rec_reader_init(&r, data, size, hlen);
	covered = hlen;
	while ((k = rec_next(&r, &rec, &sk)) != REC_NEXT_END) {
		fuzz_check(++steps <= size + 1);
		fuzz_check(!torn); /* nothing after a torn tail */
		switch (k) {
		case REC_NEXT_RECORD:
			/* Unknown types are skipped silently: a record may
			 * start after them. */
			fuzz_check(rec.offset >= covered);
			covered = rec.offset + rec.size;
			check_record(data, size, &rec);
			break;
		case REC_NEXT_CORRUPT:
		case REC_NEXT_TORN:
			fuzz_check(sk.offset >= covered && sk.length > 0);
			fuzz_check(sk.offset + sk.length <= size);
			fuzz_check(sk.why != NULL);
			covered = sk.offset + sk.length;
			if (k == REC_NEXT_TORN) {
				fuzz_check(covered == size);
				torn++;
			}
			break;
		default:
			fuzz_check(0);
		}
		fuzz_check(r.off == covered || r.unknown);
	}
	fuzz_check(r.off == size);
	fuzz_check(r.torn == torn && r.torn <= 1);
	return 0;
}
