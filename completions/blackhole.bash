#!/bin/bash

__blackhole_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__blackhole_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__blackhole_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__blackhole_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_blackhole() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __blackhole_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    telemetry|p2p|config|help)
        # Offer subcommand argument completions
        "_blackhole_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'telemetry p2p config help' -- "${cur}"))
        ;;
    esac
}

_blackhole_telemetry() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __blackhole_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    resources|check|health|metrics|alerts|traces|trace|analyze|ingest|exec|serve|prune|remediate|remediations)
        # Offer subcommand argument completions
        "_blackhole_telemetry_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'resources check health metrics alerts traces trace analyze ingest exec serve prune remediate remediations' -- "${cur}"))
        ;;
    esac
}

_blackhole_telemetry_resources() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --no-record --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format --watch)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--watch')
        return
        ;;
    esac
}

_blackhole_telemetry_check() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --nagios --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_blackhole_telemetry_health() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --probe --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_blackhole_telemetry_metrics() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=(--labels)
    non_repeating_options=(--db --config --log-level --log-format --since --forecast)
    __blackhole_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--since')
        return
        ;;
    '--labels')
        return
        ;;
    '--forecast')
        return
        ;;
    esac
}

_blackhole_telemetry_alerts() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __blackhole_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|history|rules|silence|unsilence|ack|test|channels)
        # Offer subcommand argument completions
        "_blackhole_telemetry_alerts_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list history rules silence unsilence ack test channels' -- "${cur}"))
        ;;
    esac
}

_blackhole_telemetry_alerts_list() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_blackhole_telemetry_alerts_history() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format --since)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--since')
        return
        ;;
    esac
}

_blackhole_telemetry_alerts_rules() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format --format)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--format')
        __blackhole_add_completions -W 'text'$'\n''prometheus'
        return
        ;;
    esac
}

_blackhole_telemetry_alerts_silence() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --list --version -h --help)
    repeating_options=(--labels)
    non_repeating_options=(--db --config --log-level --log-format --rule --for --comment)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--rule')
        return
        ;;
    '--labels')
        return
        ;;
    '--for')
        return
        ;;
    '--comment')
        return
        ;;
    esac
}

_blackhole_telemetry_alerts_unsilence() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format --rule)
    __blackhole_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--rule')
        return
        ;;
    esac
}

_blackhole_telemetry_alerts_ack() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format)
    __blackhole_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_blackhole_telemetry_alerts_test() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format --channel)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--channel')
        return
        ;;
    esac
}

_blackhole_telemetry_alerts_channels() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __blackhole_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|test)
        # Offer subcommand argument completions
        "_blackhole_telemetry_alerts_channels_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list test' -- "${cur}"))
        ;;
    esac
}

_blackhole_telemetry_alerts_channels_list() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_blackhole_telemetry_alerts_channels_test() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format)
    __blackhole_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_blackhole_telemetry_traces() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=(--attr)
    non_repeating_options=(--db --config --log-level --log-format --since --until --service --name --min-duration --max-duration --status --limit)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--since')
        return
        ;;
    '--until')
        return
        ;;
    '--service')
        return
        ;;
    '--name')
        return
        ;;
    '--min-duration')
        return
        ;;
    '--max-duration')
        return
        ;;
    '--status')
        __blackhole_add_completions -W 'error'$'\n''ok'
        return
        ;;
    '--attr')
        return
        ;;
    '--limit')
        return
        ;;
    esac
}

_blackhole_telemetry_trace() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format)
    __blackhole_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_blackhole_telemetry_analyze() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --summary --advice --version -h --help)
    repeating_options=(--pattern)
    non_repeating_options=(--db --config --log-level --log-format --since --service)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--pattern')
        return
        ;;
    '--since')
        return
        ;;
    '--service')
        return
        ;;
    esac
}

_blackhole_telemetry_ingest() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format --format)
    __blackhole_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--format')
        __blackhole_add_completions -W 'json'$'\n''proto'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __blackhole_add_completions -f
        return
        ;;
    esac
}

_blackhole_telemetry_exec() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=(--attr)
    non_repeating_options=(--db --config --log-level --log-format --name --service)
    __blackhole_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--name')
        return
        ;;
    '--service')
        return
        ;;
    '--attr')
        return
        ;;
    esac
}

_blackhole_telemetry_serve() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --no-grpc --insecure --allow-insecure-token --no-check --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format --listen --grpc-listen --auth-token --tls-cert --tls-key --tls-client-ca --max-body-size --read-timeout --forward-otlp --forward-ca)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--listen')
        return
        ;;
    '--grpc-listen')
        return
        ;;
    '--auth-token')
        return
        ;;
    '--tls-cert')
        return
        ;;
    '--tls-key')
        return
        ;;
    '--tls-client-ca')
        return
        ;;
    '--max-body-size')
        return
        ;;
    '--read-timeout')
        return
        ;;
    '--forward-otlp')
        return
        ;;
    '--forward-ca')
        return
        ;;
    esac
}

_blackhole_telemetry_prune() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --dry-run --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_blackhole_telemetry_remediate() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --dry-run --pause --resume --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format --for)
    __blackhole_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--for')
        return
        ;;
    esac
}

_blackhole_telemetry_remediations() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format --since --service)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--since')
        return
        ;;
    '--service')
        return
        ;;
    esac
}

_blackhole_p2p() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __blackhole_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    status|discover)
        # Offer subcommand argument completions
        "_blackhole_p2p_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'status discover' -- "${cur}"))
        ;;
    esac
}

_blackhole_p2p_status() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=(--peer)
    non_repeating_options=(--db --config --log-level --log-format --sample --timeout)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--peer')
        return
        ;;
    '--sample')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_blackhole_p2p_discover() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --mdns --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format --timeout)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_blackhole_config() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __blackhole_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    init|validate|show|network)
        # Offer subcommand argument completions
        "_blackhole_config_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'init validate show network' -- "${cur}"))
        ;;
    esac
}

_blackhole_config_init() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --force --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_blackhole_config_validate() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_blackhole_config_show() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_blackhole_config_network() {
    repeating_flags=()
    non_repeating_flags=(--json --no-color --utc --quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--db --config --log-level --log-format --timeout)
    __blackhole_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        __blackhole_add_completions -f
        return
        ;;
    '--config')
        __blackhole_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '--log-level')
        __blackhole_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    '--log-format')
        __blackhole_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_blackhole_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __blackhole_offer_flags_options -1
}

complete -o filenames -F _blackhole blackhole
