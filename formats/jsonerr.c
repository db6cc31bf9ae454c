// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Places in JSON documents for error messages (jsonerr.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jsonerr.h"

void stlm__jsonerr_push(struct jsonerr_comp *path, int cap, int *depth,
			const char *key, uint32_t index)
{
	if (*depth < cap)
		path[*depth] = (struct jsonerr_comp){ .key = key,
						      .index = index };
	(*depth)++;
}

void stlm__jsonerr_path_str(const struct jsonerr_comp *path, int cap,
			    int depth, char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < depth && i < cap && o < n; i++) {
		int k;

		if (path[i].key)
			k = snprintf(buf + o, n - o, "%s%s", i ? "." : "",
				     path[i].key);
		else
			k = snprintf(buf + o, n - o, "[%u]", path[i].index);
		if (k < 0)
			break;
		o += (size_t)k;
	}
}

void stlm__jsonerr_vformat(const struct jsonerr_comp *path, int cap,
			   int depth, char *place, size_t placelen, char *msg,
			   size_t msglen, const char *fmt, va_list ap)
{
	vsnprintf(msg, msglen, fmt, ap);
	stlm__jsonerr_path_str(path, cap, depth, place, placelen);
}

void stlm__jsonerr_line_col(const char *t, size_t len, size_t off,
			    int *line, int *col)
{
	int l = 1, c = 1;

	for (size_t i = 0; i < off && i < len; i++) {
		if (t[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

int stlm__jsonerr_parse(const char *text, size_t len, const char *file,
			size_t max, int depth, bool null_is_eof,
			struct json_object **ret, char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *root;
	const char *nul;
	int line, col;

	*ret = NULL;
	if (len > max) {
		if (err && errlen)
			snprintf(err, errlen, "%s: larger than %zu bytes", file,
				 max);
		return -EFBIG;
	}
	nul = len ? memchr(text, '\0', len) : NULL;
	if (nul) {
		stlm__jsonerr_line_col(text, len, (size_t)(nul - text), &line,
				       &col);
		if (err && errlen)
			snprintf(err, errlen, "%s:%d:%d: NUL byte in the file",
				 file, line, col);
		return -EINVAL;
	}
	tok = json_tokener_new_ex(depth);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		enum json_tokener_error je = json_tokener_get_error(tok);
		size_t off = je == json_tokener_continue ? len :
			json_tokener_get_parse_end(tok);

		stlm__jsonerr_line_col(text, len, off, &line, &col);
		if (err && errlen)
			snprintf(err, errlen, "%s:%d:%d: %s", file, line, col,
				 je == json_tokener_continue ||
				 (null_is_eof && je == json_tokener_success) ?
				 "unexpected end of file" :
				 json_tokener_error_desc(je));
		json_object_put(root);
		json_tokener_free(tok);
		return -EINVAL;
	}
	{
		size_t end = json_tokener_get_parse_end(tok);

		while (end < len && strchr(" \t\r\n", text[end]))
			end++;
		if (end < len) {
			stlm__jsonerr_line_col(text, len, end, &line, &col);
			if (err && errlen)
				snprintf(err, errlen,
					 "%s:%d:%d: trailing characters after the JSON value",
					 file, line, col);
			json_object_put(root);
			json_tokener_free(tok);
			return -EINVAL;
		}
	}
	json_tokener_free(tok);
	*ret = root;
	return 0;
}

int stlm__jsonerr_read_file(const char *path, size_t max, const char *big,
			    char **buf, size_t *len, char *err,
			    size_t errlen)
{
	struct stat st;
	size_t n = 0;
	int fd, r;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		if (err && errlen)
			snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return r;
	}
	if ((uint64_t)st.st_size > (uint64_t)max) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %slarger than %zu bytes",
				 path, big, max);
		close(fd);
		return -EFBIG;
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	while (n < (size_t)st.st_size) {
		ssize_t k = read(fd, *buf + n, (size_t)st.st_size - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = -errno;
			if (err && errlen)
				snprintf(err, errlen, "%s: %s", path,
					 strerror(-r));
			close(fd);
			free(*buf);
			*buf = NULL;
			return r;
		}
		if (!k)
			break;
		n += (size_t)k;
	}
	close(fd);
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}
