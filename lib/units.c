// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Unit words of the description and catalog formats (units.h).
 */
#include <string.h>

#include "units.h"

/* Index = SCMI unit code. */
static const char *const unit_words[] = {
	"none", "unspecified", "celsius", "fahrenheit", "kelvin", "volts",
	"amps", "watts", "joules", "coulombs", "va", "nits", "lumens", "lux",
	"candelas", "kpa", "psi", "newtons", "cfm", "rpm", "hertz", "seconds",
	"minutes", "hours", "days", "weeks", "mils", "inches", "feet",
	"cubic_inches", "cubic_feet", "meters", "cubic_centimeters",
	"cubic_meters", "liters", "fluid_ounces", "radians", "steradians",
	"revolutions", "cycles", "gravities", "ounces", "pounds",
	"foot_pounds", "ounce_inches", "gauss", "gilberts", "henries",
	"farads", "ohms", "siemens", "moles", "becquerels", "ppm", "decibels",
	"dba", "dbc", "grays", "sieverts", "color_temp_kelvin", "bits",
	"bytes", "words", "dwords", "qwords", "percentage", "pascals",
	"counts", "grams", "newton_meters", "hits", "misses", "retries",
	"overruns", "underruns", "collisions", "packets", "messages",
	"characters", "errors", "corrected_errors", "uncorrectable_errors",
	"square_mils", "square_inches", "square_feet", "square_centimeters",
	"square_meters", "radians_per_second", "beats_per_minute",
	"meters_per_second_squared", "meters_per_second",
	"cubic_meters_per_second", "millimeters_of_mercury",
	"radians_per_second_squared", "binary_state", "bytes_per_second",
};

#define N_UNIT_WORDS (sizeof(unit_words) / sizeof(unit_words[0]))

int stlm__unit_code(const char *word)
{
	for (size_t i = 0; i < N_UNIT_WORDS; i++)
		if (!strcmp(unit_words[i], word))
			return (int)i;
	if (!strcmp(word, "oem"))
		return STLM_UNIT_OEM;
	return -1;
}

bool stlm__unit_valid(int code)
{
	return code == STLM_UNIT_OEM || (code >= 0 && (size_t)code < N_UNIT_WORDS);
}
