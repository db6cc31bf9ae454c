// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The one table of SCMI unit codes (units.h): for each code its word in
 * the description and catalog formats, its symbol and its directory name
 * in the STLMFS tree.
 */
#include <string.h>

#include "units.h"

/**
 * struct unit_row - one SCMI unit code (protocol §5)
 * @word:   description and catalog formats (docs/platform-format.md)
 * @symbol: shown by the library and the CLI ("°C", "W", "B/s")
 * @tree:   by-components/ directory name of the STLMFS tree
 *          (docs/stlmfs.md): the kernel's spelling, kept exactly
 */
struct unit_row {
	const char *word;
	const char *symbol;
	const char *tree;
};

static const struct unit_row units[STLM_UNIT_N] = {
	[0] = { "none", "none", "none" },
	[1] = { "unspecified", "unspecified", "unspec" },
	[2] = { "celsius", "°C", "celsius" },
	[3] = { "fahrenheit", "°F", "fahrenheit" },
	[4] = { "kelvin", "K", "kelvin" },
	[5] = { "volts", "V", "volts" },
	[6] = { "amps", "A", "amps" },
	[7] = { "watts", "W", "watts" },
	[8] = { "joules", "J", "joules" },
	[9] = { "coulombs", "C", "coulombs" },
	[10] = { "va", "VA", "va" },
	[11] = { "nits", "nit", "nits" },
	[12] = { "lumens", "lm", "lumens" },
	[13] = { "lux", "lx", "lux" },
	[14] = { "candelas", "cd", "candelas" },
	[15] = { "kpa", "kPa", "kpa" },
	[16] = { "psi", "PSI", "psi" },
	[17] = { "newtons", "N", "newtons" },
	[18] = { "cfm", "CFM", "cfm" },
	[19] = { "rpm", "RPM", "rpm" },
	[20] = { "hertz", "Hz", "hertz" },
	[21] = { "seconds", "s", "seconds" },
	[22] = { "minutes", "min", "minutes" },
	[23] = { "hours", "h", "hours" },
	[24] = { "days", "d", "days" },
	[25] = { "weeks", "week", "weeks" },
	[26] = { "mils", "mil", "mils" },
	[27] = { "inches", "in", "inches" },
	[28] = { "feet", "ft", "feet" },
	[29] = { "cubic_inches", "in³", "cubic_inches" },
	[30] = { "cubic_feet", "ft³", "cubic_feet" },
	[31] = { "meters", "m", "meters" },
	[32] = { "cubic_centimeters", "cm³", "cubic_centimeters" },
	[33] = { "cubic_meters", "m³", "cubic_meters" },
	[34] = { "liters", "L", "liters" },
	[35] = { "fluid_ounces", "fl oz", "fluid_ounces" },
	[36] = { "radians", "rad", "radians" },
	[37] = { "steradians", "sr", "steradians" },
	[38] = { "revolutions", "rev", "revolutions" },
	[39] = { "cycles", "cycles", "cycles" },
	[40] = { "gravities", "gn", "gravities" },
	[41] = { "ounces", "oz", "ounces" },
	[42] = { "pounds", "lb", "pounds" },
	[43] = { "foot_pounds", "ft·lb", "foot_pounds" },
	[44] = { "ounce_inches", "oz·in", "ounce_inches" },
	[45] = { "gauss", "Gs", "gauss" },
	[46] = { "gilberts", "Gb", "gilberts" },
	[47] = { "henries", "H", "henries" },
	[48] = { "farads", "F", "farads" },
	[49] = { "ohms", "Ω", "ohms" },
	[50] = { "siemens", "S", "siemens" },
	[51] = { "moles", "mol", "moles" },
	[52] = { "becquerels", "Bq", "becquerels" },
	[53] = { "ppm", "ppm", "ppm" },
	[54] = { "decibels", "dB", "decibels" },
	[55] = { "dba", "dBA", "dba" },
	[56] = { "dbc", "dBC", "dbc" },
	[57] = { "grays", "Gy", "grays" },
	[58] = { "sieverts", "Sv", "sieverts" },
	[59] = { "color_temp_kelvin", "K (color)", "color_temp_kelvin" },
	[60] = { "bits", "bit", "bits" },
	[61] = { "bytes", "B", "bytes" },
	[62] = { "words", "word", "words" },
	[63] = { "dwords", "dword", "dwords" },
	[64] = { "qwords", "qword", "qwords" },
	[65] = { "percentage", "%", "percentage" },
	[66] = { "pascals", "Pa", "pascals" },
	[67] = { "counts", "count", "counts" },
	[68] = { "grams", "g", "grams" },
	[69] = { "newton_meters", "N·m", "newton_meters" },
	[70] = { "hits", "hits", "hits" },
	[71] = { "misses", "misses", "misses" },
	[72] = { "retries", "retries", "retries" },
	[73] = { "overruns", "overruns", "overruns" },
	[74] = { "underruns", "underruns", "underruns" },
	[75] = { "collisions", "collisions", "collisions" },
	[76] = { "packets", "packets", "packets" },
	[77] = { "messages", "messages", "messages" },
	[78] = { "characters", "chars", "characters" },
	[79] = { "errors", "errors", "errors" },
	[80] = { "corrected_errors", "corrected errors", "corrected_errors" },
	[81] = { "uncorrectable_errors", "uncorrectable errors", "uncorrectable_errors" },
	[82] = { "square_mils", "mil²", "square_mils" },
	[83] = { "square_inches", "in²", "square_inches" },
	[84] = { "square_feet", "ft²", "square_feet" },
	[85] = { "square_centimeters", "cm²", "square_centimeters" },
	[86] = { "square_meters", "m²", "square_meters" },
	[87] = { "radians_per_second", "rad/s", "radians_per_second" },
	[88] = { "beats_per_minute", "bpm", "beats_per_minute" },
	[89] = { "meters_per_second_squared", "m/s²", "meters_per_second_squared" },
	[90] = { "meters_per_second", "m/s", "meters_per_second" },
	[91] = { "cubic_meters_per_second", "m³/s", "cubic_meters_per_second" },
	[92] = { "millimeters_of_mercury", "mmHg", "millimeters_of_mercury" },
	[93] = { "radians_per_second_squared", "rad/s²", "radians_per_second_squared" },
	[94] = { "binary_state", "state", "state" },
	[95] = { "bytes_per_second", "B/s", "bps" },
};

/* STLMFS names of the reserved codes 96..254. */
#define RES(n) [(n) - STLM_UNIT_N] = "res_" #n
static const char *const tree_reserved[255 - STLM_UNIT_N] = {
	RES(96), RES(97), RES(98), RES(99), RES(100), RES(101), RES(102),
	RES(103), RES(104), RES(105), RES(106), RES(107), RES(108), RES(109),
	RES(110), RES(111), RES(112), RES(113), RES(114), RES(115), RES(116),
	RES(117), RES(118), RES(119), RES(120), RES(121), RES(122), RES(123),
	RES(124), RES(125), RES(126), RES(127), RES(128), RES(129), RES(130),
	RES(131), RES(132), RES(133), RES(134), RES(135), RES(136), RES(137),
	RES(138), RES(139), RES(140), RES(141), RES(142), RES(143), RES(144),
	RES(145), RES(146), RES(147), RES(148), RES(149), RES(150), RES(151),
	RES(152), RES(153), RES(154), RES(155), RES(156), RES(157), RES(158),
	RES(159), RES(160), RES(161), RES(162), RES(163), RES(164), RES(165),
	RES(166), RES(167), RES(168), RES(169), RES(170), RES(171), RES(172),
	RES(173), RES(174), RES(175), RES(176), RES(177), RES(178), RES(179),
	RES(180), RES(181), RES(182), RES(183), RES(184), RES(185), RES(186),
	RES(187), RES(188), RES(189), RES(190), RES(191), RES(192), RES(193),
	RES(194), RES(195), RES(196), RES(197), RES(198), RES(199), RES(200),
	RES(201), RES(202), RES(203), RES(204), RES(205), RES(206), RES(207),
	RES(208), RES(209), RES(210), RES(211), RES(212), RES(213), RES(214),
	RES(215), RES(216), RES(217), RES(218), RES(219), RES(220), RES(221),
	RES(222), RES(223), RES(224), RES(225), RES(226), RES(227), RES(228),
	RES(229), RES(230), RES(231), RES(232), RES(233), RES(234), RES(235),
	RES(236), RES(237), RES(238), RES(239), RES(240), RES(241), RES(242),
	RES(243), RES(244), RES(245), RES(246), RES(247), RES(248), RES(249),
	RES(250), RES(251), RES(252), RES(253), RES(254),
};
#undef RES

int stlm__unit_code(const char *word)
{
	if (!word)
		return -1;
	for (int i = 0; i < STLM_UNIT_N; i++)
		if (!strcmp(units[i].word, word))
			return i;
	if (!strcmp(word, "oem"))
		return STLM_UNIT_OEM;
	return -1;
}

bool stlm__unit_valid(int code)
{
	return code == STLM_UNIT_OEM || (code >= 0 && code < STLM_UNIT_N);
}

const char *stlm__unit_word(int code)
{
	if (code == STLM_UNIT_OEM)
		return "oem";
	return code >= 0 && code < STLM_UNIT_N ? units[code].word : NULL;
}

const char *stlm__unit_name(uint8_t code)
{
	if (code == STLM_UNIT_OEM)
		return "OEM";
	return code < STLM_UNIT_N ? units[code].symbol : "reserved";
}

const char *stlm__unit_tree_name(uint8_t code)
{
	if (code == STLM_UNIT_OEM)
		return "oem_unit";
	return code < STLM_UNIT_N ? units[code].tree :
				    tree_reserved[code - STLM_UNIT_N];
}
