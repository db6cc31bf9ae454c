/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The recording format (docs/record-format.md): an append-only binary log.
 * Written by `stlm record`, read by `stlm replay` / `stlm decode`.
 *
 * This layer is pure: it encodes into and decodes from memory buffers,
 * uses only libc, and never prints. The reader takes the whole file as one
 * buffer (the commands map it read-only) and never reads outside it; it
 * allocates only while decoding the header, bounded by the header's
 * length. Records are decoded in place.
 */
#ifndef STLM_CLI_RECORD_H
#define STLM_CLI_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "STLMREC\0" */
#define REC_FILE_MAGIC		"STLMREC"
#define REC_FILE_MAGIC_LEN	8
#define REC_VERSION_MAJOR	1
#define REC_VERSION_MINOR	0
/* Written instead when the header body is over REC_MAX_HEADER_BODY_1_0
 * (readers of 1.0 refuse such a header; docs/record-format.md). */
#define REC_VERSION_MINOR_LARGE	1
/* magic, version major/minor, flags, body length, crc */
#define REC_FILE_HDR_SIZE	24

/* Record magic "SREC" as a little-endian u32. */
#define REC_MAGIC		0x43455253u
/* magic, type, length, crc */
#define REC_PREFIX_SIZE		16
#define REC_TYPE_SNAPSHOT	1u
/* realtime, monotonic, generation, n_samples, reserved */
#define REC_SNAP_FIXED		32
#define REC_SAMPLE_SIZE		40

/* Limits: the reader rejects anything larger. The header body holds every
 * DE of the platform (up to REC_MAX_DES): 16 MiB in format 1.0, 256 MiB
 * from 1.1 on (2^20 DEs at up to 256 bytes each). */
#define REC_MAX_HEADER_BODY_1_0	(16u << 20)
#define REC_MAX_HEADER_BODY	(256u << 20)
#define REC_MAX_DES		(1u << 20)
#define REC_MAX_STR		4095u
#define REC_MAX_SAMPLES		(1u << 20)
#define REC_MAX_BODY		(REC_SNAP_FIXED + REC_SAMPLE_SIZE * REC_MAX_SAMPLES)

/* Fixed part of a DE table entry (the five strings follow). */
#define REC_DE_FIXED		28
/* Fixed part of the header body (the four strings and the DE table
 * follow). */
#define REC_HDR_FIXED		88

/* struct rec_de.flags */
#define REC_DE_TS_MASK		0x03u	/* ::stlm_ts_support */
#define REC_DE_SIGNED		(1u << 2)
#define REC_DE_PERSISTENT	(1u << 3)
#define REC_DE_FASTCHANNEL	(1u << 4)
#define REC_DE_ENABLED		(1u << 5)	/* enabled when recording began */
#define REC_DE_SELECTED		(1u << 6)	/* named on the command line */

/**
 * struct rec_de - one entry of the header's DE table
 * @id, @group, @size, @ts_rate_khz, @compo_instance, @type, @unit,
 * @unit_exp, @compo_type, @instance: from the DE descriptor
 * @flags:     REC_DE_*
 * @kind:      ::stlm_kind at record time
 * @fw_name:   descriptor name ("" if none)
 * @name:      catalog name at record time ("" if none)
 * @unit_name: unit symbol ("W", "°C", ...)
 * @compo_name: component type name ("cpu", ...)
 * @description: catalog description ("" if none)
 *
 * The strings are owned by the struct rec_header they belong to (decoded)
 * or by the caller (encoded); never NULL once decoded.
 */
struct rec_de {
	uint32_t id;
	uint32_t group;
	uint32_t size;
	uint32_t ts_rate_khz;
	uint16_t compo_instance;
	uint8_t type;
	uint8_t unit;
	int8_t unit_exp;
	uint8_t compo_type;
	uint8_t instance;
	uint8_t flags;
	uint8_t kind;
	char *fw_name;
	char *name;
	char *unit_name;
	char *compo_name;
	char *description;
};

/**
 * struct rec_header - the file header
 * @version_minor:    minor version of the file (major is always 1)
 * @protocol_version, @base_version, @impl_version, @uuid, @vendor,
 * @sub_vendor, @default_blk_ts_rate_khz: platform identity
 * @n_platform_des:   DEs the platform described
 * @created_ns:       CLOCK_REALTIME when the recording began
 * @interval_ns:      requested interval between records
 * @tool, @host, @uri, @catalog: "stlm 0.1.0", host name, platform URI,
 *                    catalog name at record time ("" if none)
 * @n_des, @des:      the DE table, sorted by id (decoded headers)
 */
struct rec_header {
	uint16_t version_minor;
	uint32_t protocol_version;
	uint32_t base_version;
	uint32_t impl_version;
	uint32_t n_platform_des;
	uint8_t uuid[16];
	char vendor[17];
	char sub_vendor[17];
	uint64_t created_ns;
	uint64_t interval_ns;
	uint32_t default_blk_ts_rate_khz;
	char *tool;
	char *host;
	char *uri;
	char *catalog;
	uint32_t n_des;
	struct rec_de *des;
};

/**
 * struct rec_sample - one sample of a snapshot record
 * (struct stlm_sample, field for field)
 */
struct rec_sample {
	uint32_t id;
	uint32_t flags;
	uint64_t raw;
	double value;
	uint64_t ts;
	uint32_t ts_rate_khz;
};

/**
 * struct rec_record - a decoded record; @samples points into the buffer
 * @offset:     byte offset of the record in the file
 * @size:       its total size (prefix + body)
 * @type:       REC_TYPE_*
 * @time_ns:    CLOCK_REALTIME at the snapshot
 * @mono_ns:    CLOCK_MONOTONIC at the snapshot
 * @generation: configuration generation of the snapshot
 * @n_samples:  samples; read them with rec_sample_get()
 */
struct rec_record {
	uint64_t offset;
	uint32_t size;
	uint32_t type;
	uint64_t time_ns;
	uint64_t mono_ns;
	uint64_t generation;
	uint32_t n_samples;
	const uint8_t *samples;
};

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32()). Start with crc = 0. */
uint32_t rec_crc32(uint32_t crc, const void *buf, size_t len);

/*
 * Encode @h (its @des, unsorted is fine) into a new buffer (free()).
 * Strings longer than REC_MAX_STR are cut at a UTF-8 character boundary;
 * NULL strings are written empty. Returns 0, -EINVAL or -ENOMEM.
 */
int rec_header_encode(const struct rec_header *h, uint8_t **ret_buf,
		      size_t *ret_len);

/*
 * Decode the header at the start of @buf. Returns 0 with *ret (free with
 * rec_header_done()) and *ret_len, the header's size; or -ENODATA (the
 * buffer ends inside the header), -EBADMSG (bad magic, CRC or content),
 * -EPROTONOSUPPORT (another major version), -E2BIG (over a limit),
 * -ENOMEM.
 */
int rec_header_decode(const uint8_t *buf, size_t len, struct rec_header *ret,
		      size_t *ret_len);
void rec_header_done(struct rec_header *h);

/* The DE @id of a decoded header (binary search), or NULL. */
const struct rec_de *rec_header_find(const struct rec_header *h,
				     uint32_t id);

/* Size of a snapshot record of @n samples. */
static inline size_t rec_snapshot_size(size_t n)
{
	return REC_PREFIX_SIZE + REC_SNAP_FIXED + REC_SAMPLE_SIZE * n;
}

/*
 * Encode a snapshot record into @buf (rec_snapshot_size(n) bytes).
 * Returns the size written, or -EINVAL (too many samples, buffer short).
 */
long rec_snapshot_encode(uint8_t *buf, size_t len, uint64_t time_ns,
			 uint64_t mono_ns, uint64_t generation,
			 const struct rec_sample *s, size_t n);

/* Sample @i (< r->n_samples) of a decoded record. */
void rec_sample_get(const struct rec_record *r, size_t i,
		    struct rec_sample *ret);

/**
 * struct rec_reader - walks the records after the header
 * @buf, @len:  the whole file
 * @off:        next offset to look at
 * @records, @corrupt, @torn, @unknown: counts so far
 */
struct rec_reader {
	const uint8_t *buf;
	size_t len;
	size_t off;
	uint64_t records;
	uint64_t corrupt;
	uint64_t torn;
	uint64_t unknown;
};

/**
 * struct rec_skip - bytes the reader skipped
 * @offset: where they start
 * @length: how many
 * @why:    what was wrong with the record at @offset (static string)
 */
struct rec_skip {
	uint64_t offset;
	uint64_t length;
	const char *why;
};

enum rec_next {
	REC_NEXT_END = 0,	/* no more data */
	REC_NEXT_RECORD = 1,	/* *ret_rec filled */
	REC_NEXT_CORRUPT = 2,	/* *ret_skip: bad bytes before a good record */
	REC_NEXT_TORN = 3,	/* *ret_skip: bad bytes up to the end (a torn
				   tail); the next call returns END */
};

/* Start reading records at @off (the header size). */
void rec_reader_init(struct rec_reader *r, const uint8_t *buf, size_t len,
		     size_t off);

/*
 * The next record (::rec_next). Valid records of unknown types are skipped
 * silently (counted in @unknown). Never allocates; O(bytes) per call except
 * while resynchronising, where each candidate magic costs one CRC.
 */
int rec_next(struct rec_reader *r, struct rec_record *ret_rec,
	     struct rec_skip *ret_skip);

/* Little-endian field access shared by the record and event codecs. */
void rec_put32(uint8_t *p, uint32_t v);
void rec_put64(uint8_t *p, uint64_t v);
uint32_t rec_get32(const uint8_t *p);
uint64_t rec_get64(const uint8_t *p);

#endif /* STLM_CLI_RECORD_H */
