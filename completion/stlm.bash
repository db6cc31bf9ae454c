# SPDX-License-Identifier: MIT
# bash completion for stlm(1)

_stlm_des()
{
	# DE names (and ids of unnamed DEs) from the configured platform;
	# quiet, and only when a platform is configured (never the built-in).
	local p=()
	[[ -n $_stlm_platform ]] && p=(--platform "$_stlm_platform")
	[[ -z $_stlm_platform && -z $STLM_PLATFORM ]] && return
	stlm "${p[@]}" -q list --no-header 2>/dev/null |
		awk '{ print ($2 == "-" ? $1 : $2) }'
}

_stlm()
{
	local cur prev words cword
	_init_completion || return
	local cmds="info list show read watch enable disable config reset record replay decode report check export catalog help"
	local common="-h --help -j --json --pretty -q --quiet"
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

	local opts=""
	case $cmd in
	info | reset) opts="" ;;
	check) opts="--reset --errors-only" ;;
	list) opts="-i --id -n --name -g --group -c --component -e --enabled -d --disabled --no-header" ;;
	show) opts="" ;;
	read) opts="-e --enable -s --single -t --timestamps --csv --no-header" ;;
	watch) opts="-i --interval -n --count -d --delta -r --rate --total -t --timestamps -e --enable --csv --no-header" ;;
	enable) opts="-g --group -a --all -t --timestamps" ;;
	disable) opts="-g --group -a --all" ;;
	config) opts="-i --interval -m --mode --on --off -g --group" ;;
	record) opts="-o --output -i --interval -n --count -d --duration --fsync -f --force -E --enable -S --single-sample --catalog --stream --log" ;;
	report)
		opts="--catalog --clock --bins -a --aggregate --follow --csv --summary-csv --interval-csv --wide-csv --svg --svg-dir --png --perfetto --histogram"
		case $prev in
		--clock) COMPREPLY=($(compgen -W "auto platform host" -- "$cur")); return ;;
		-a | --aggregate) COMPREPLY=($(compgen -W "max min mean sum" -- "$cur")); return ;;
		--bins) return ;;
		--catalog | --summary-csv | --interval-csv | --wide-csv | --svg | --png | --perfetto) _filedir; return ;;
		--svg-dir) _filedir -d; return ;;
		esac
		[[ $cur == -* ]] || { _filedir; return; } ;;
	catalog)
		if [[ $prev == catalog ]]; then
			COMPREPLY=($(compgen -W "check show" -- "$cur"))
		else
			_filedir json
		fi
		return ;;
	replay | decode) _filedir; return ;;
	help) COMPREPLY=($(compgen -W "$cmds" -- "$cur")); return ;;
	esac

	case $prev in
	-m | --mode) COMPREPLY=($(compgen -W "on_demand notify" -- "$cur")); return ;;
	-i | --interval)
		[[ $cmd == list ]] || { COMPREPLY=($(compgen -W "10ms 100ms 500ms 1s" -- "$cur")); return; } ;;
	-o | --output | --log | --catalog) _filedir; return ;;
	--stream) COMPREPLY=($(compgen -W "csv json" -- "$cur")); return ;;
	-n | --count | -g | --group | -c | --component | --name) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts $common" -- "$cur"))
		return
	fi
	case $cmd in
	list | show | read | watch | enable | disable | record)
		COMPREPLY=($(compgen -W "$(_stlm_des)" -- "$cur")) ;;
	esac
}
complete -F _stlm stlm
