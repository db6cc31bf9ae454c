# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
# bash completion for stlm(1). The commands and each command's options
# come from stlm itself (stlm help --options-table: the tables the
# commands parse with), so every option completes; values below.

_stlm_des()
{
	# DE names (and ids of unnamed DEs) from the configured platform;
	# quiet, and only when a platform is configured (never the built-in).
	local p=()
	[[ -n $_stlm_platform ]] && p=(--platform "$_stlm_platform")
	[[ -z $_stlm_platform && -z $STLM_PLATFORM ]] && return
	"${_stlm_bin:-stlm}" "${p[@]}" -q list --no-header 2>/dev/null |
		awk '{ print ($2 == "-" ? $1 : $2) }'
}

_stlm_table()
{
	"${_stlm_bin:-stlm}" help --options-table 2>/dev/null
}

_stlm()
{
	local cur prev words cword
	_init_completion || return
	local _stlm_bin=${words[0]}
	local table cmds common
	table=$(_stlm_table)
	cmds=$(printf '%s\n' "$table" | awk -F'\t' '$1 != "*" && !s[$1]++ { print $1 }')
	[[ -n $cmds ]] || cmds="info list show read watch top enable disable config reset record replay decode report check export catalog help"
	common="-h --help -j --json --pretty -q --quiet -p --platform -c --catalog -v --verbose"
	local i cmd="" _stlm_platform=""

	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-p | --platform) _stlm_platform=${words[i + 1]}; ((i++)) ;;
		--platform=*) _stlm_platform=${words[i]#--platform=} ;;
		-c | --catalog) ((i++)) ;;
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	# global options after the command count too
	for ((i = i + 1; i < cword; i++)); do
		case ${words[i]} in
		-p | --platform) _stlm_platform=${words[i + 1]}; ((i++)) ;;
		--platform=*) _stlm_platform=${words[i]#--platform=} ;;
		esac
	done

	if [[ -z $cmd ]]; then
		case $prev in
		-p | --platform)
			COMPREPLY=($(compgen -W "unix: tcp: shm: raw: stlmd: stlmfs:" -- "$cur"))
			compopt -o nospace
			return ;;
		-c | --catalog) _filedir; return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-p --platform -c --catalog -j --json --pretty -q --quiet -v --verbose -h --help -V --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		fi
		return
	fi

	# the command's own options, current and not deprecated
	local opts
	opts=$(printf '%s\n' "$table" | awk -F'\t' -v c="$cmd" '
		$1 == c && $3 ~ /^--/ { split($2, a, " "); if (a[1] != "-") print a[1]; print $3 }')
	case $cmd in
	report)
		case $prev in
		--clock) COMPREPLY=($(compgen -W "auto platform host" -- "$cur")); return ;;
		-A | --aggregate) COMPREPLY=($(compgen -W "max min mean sum" -- "$cur")); return ;;
		--bins) return ;;
		--catalog | --summary-csv | --interval-csv | --wide-csv | --svg | --png | --perfetto) _filedir; return ;;
		--svg-dir) _filedir -d; return ;;
		esac
		[[ $cur == -* ]] || { _filedir; return; } ;;
	catalog)
		if [[ $cur != -* ]]; then
			if [[ $prev == catalog ]]; then
				COMPREPLY=($(compgen -W "check show" -- "$cur"))
			else
				_filedir json
			fi
			return
		fi ;;
	replay | decode)
		[[ $cur == -* ]] || { _filedir; return; } ;;
	help)
		[[ $cur == -* ]] || { COMPREPLY=($(compgen -W "$cmds" -- "$cur")); return; } ;;
	esac

	case $prev in
	-m | --mode) COMPREPLY=($(compgen -W "on_demand notify" -- "$cur")); return ;;
	-i | --interval) COMPREPLY=($(compgen -W "10ms 100ms 500ms 1s 1m" -- "$cur")); return ;;
	-D | --duration) COMPREPLY=($(compgen -W "10s 1m 10m 1h" -- "$cur")); return ;;
	-o | --output | --log | -c | --catalog | --textfile) _filedir; return ;;
	-p | --platform)
		COMPREPLY=($(compgen -W "unix: tcp: shm: raw: stlmd: stlmfs:" -- "$cur"))
		compopt -o nospace
		return ;;
	--stream) COMPREPLY=($(compgen -W "csv json" -- "$cur")); return ;;
	--sort) COMPREPLY=($(compgen -W "id name value rate" -- "$cur")); return ;;
	--filter | --include | --exclude) COMPREPLY=($(compgen -W "$(_stlm_des)" -- "$cur")); return ;;
	-l | --listen) COMPREPLY=($(compgen -W "127.0.0.1:9760" -- "$cur")); return ;;
	-n | --count | -g | --group | -C | --component | --id | --name | --bins | --speed) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts $common" -- "$cur"))
		return
	fi
	case $cmd in
	list | show | read | watch | top | enable | disable | record)
		COMPREPLY=($(compgen -W "$(_stlm_des)" -- "$cur")) ;;
	esac
}
complete -F _stlm stlm
