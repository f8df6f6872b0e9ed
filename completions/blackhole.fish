function __blackhole_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __blackhole_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __blackhole_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __blackhole_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __blackhole_parse_tokens -S
    set -l unparsed_tokens (__blackhole_tokens -pc)
    switch $unparsed_tokens[1]
    case 'blackhole'
        __blackhole_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'telemetry'
            __blackhole_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'resources'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'watch=' 'no-record' 'version' 'h/help'
            case 'check'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'nagios' 'version' 'h/help'
            case 'health'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'probe' 'version' 'h/help'
            case 'metrics'
                __blackhole_parse_subcommand 1 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'since=' 'labels=+' 'forecast=' 'version' 'h/help'
            case 'alerts'
                __blackhole_parse_subcommand 0 'version' 'h/help'
                switch $unparsed_tokens[1]
                case 'list'
                    __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'version' 'h/help'
                case 'history'
                    __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'since=' 'version' 'h/help'
                case 'rules'
                    __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'format=' 'version' 'h/help'
                case 'silence'
                    __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'rule=' 'labels=+' 'for=' 'comment=' 'list' 'version' 'h/help'
                case 'unsilence'
                    __blackhole_parse_subcommand 1 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'rule=' 'version' 'h/help'
                case 'ack'
                    __blackhole_parse_subcommand 1 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'version' 'h/help'
                case 'test'
                    __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'channel=' 'version' 'h/help'
                case 'channels'
                    __blackhole_parse_subcommand 0 'version' 'h/help'
                    switch $unparsed_tokens[1]
                    case 'list'
                        __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'version' 'h/help'
                    case 'test'
                        __blackhole_parse_subcommand 1 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'version' 'h/help'
                    end
                end
            case 'traces'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'since=' 'until=' 'service=' 'name=' 'min-duration=' 'max-duration=' 'status=' 'attr=+' 'limit=' 'version' 'h/help'
            case 'trace'
                __blackhole_parse_subcommand 1 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'version' 'h/help'
            case 'analyze'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'pattern=+' 'since=' 'service=' 'summary' 'advice' 'version' 'h/help'
            case 'ingest'
                __blackhole_parse_subcommand -r 1 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'format=' 'version' 'h/help'
            case 'exec'
                __blackhole_parse_subcommand -r 1 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'name=' 'service=' 'attr=+' 'version' 'h/help'
            case 'serve'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'listen=' 'grpc-listen=' 'no-grpc' 'auth-token=' 'insecure' 'tls-cert=' 'tls-key=' 'tls-client-ca=' 'allow-insecure-token' 'max-body-size=' 'read-timeout=' 'forward-otlp=' 'forward-ca=' 'no-check' 'version' 'h/help'
            case 'prune'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'dry-run' 'version' 'h/help'
            case 'remediate'
                __blackhole_parse_subcommand 1 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'dry-run' 'pause' 'for=' 'resume' 'version' 'h/help'
            case 'remediations'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'since=' 'service=' 'version' 'h/help'
            end
        case 'p2p'
            __blackhole_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'status'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'peer=+' 'sample=' 'timeout=' 'version' 'h/help'
            case 'discover'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'mdns' 'timeout=' 'version' 'h/help'
            end
        case 'config'
            __blackhole_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'init'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'force' 'version' 'h/help'
            case 'validate'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'version' 'h/help'
            case 'show'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'version' 'h/help'
            case 'network'
                __blackhole_parse_subcommand 0 'db=' 'config=' 'json' 'no-color' 'utc' 'q/quiet' 'v/verbose' 'log-level=' 'log-format=' 'timeout=' 'version' 'h/help'
            end
        case 'help'
            __blackhole_parse_subcommand -r 1 'version'
        end
    end
end

function __blackhole_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __blackhole_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __blackhole_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __blackhole_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__blackhole_tokens -p)
    if test -z "$(__blackhole_tokens -t)"
        set -l index (count (__blackhole_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'blackhole' -f
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole" -eq 1' -fa 'telemetry' -d 'Resources, service health, alerts, metrics, traces and retention of this node.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole" -eq 1' -fa 'p2p' -d 'Peer connectivity: how many peers answer, and how fast.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole" -eq 1' -fa 'config' -d 'Write, check and show the configuration file; check the network against it.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'resources' -d 'CPU, load, memory, disk and network now; recorded as metrics.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'check' -d 'One monitoring run: sample, probe, record, evaluate alerts, notify, prune.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'health' -d 'Service health as last recorded by check or serve (or --probe now).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'metrics' -d 'Stored series, or one metric\'s count, min, avg, max, p95, last and trend.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'alerts' -d 'Firing and pending alerts, their history, rules, silences and acknowledgements.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'traces' -d 'Stored traces, newest first: root, start, duration, spans, errors, services.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'trace' -d 'One trace as a span tree with a timing waterfall.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'analyze' -d 'Find slow, failing and stuck traces; show where the time goes and what to change.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'ingest' -d 'Import OTLP trace files: JSON lines, one JSON document, or protobuf; gzip too.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'exec' -d 'Run a command (no shell) and record it as a span.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'serve' -d 'OTLP receiver (HTTP and gRPC), /health, /metrics, live stream and dashboard; runs check on its interval.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'prune' -d 'Delete data older than its retention (storage.retention) now.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'remediate' -d 'Run a service\'s remediation action now, say what would run, or pause automatic actions.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry" -eq 1' -fa 'remediations' -d 'Remediation actions run, newest first: when, why, how they ended, health before and after the grace.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry resources" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry resources" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry resources" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry resources" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry resources" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry resources" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry resources" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry resources" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry resources" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry resources" watch' -l 'watch' -d 'Sample again every SECS seconds until Ctrl-C.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry resources" no-record' -l 'no-record' -d 'Do not record the samples in the database.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry resources" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry resources" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry check" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry check" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry check" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry check" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry check" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry check" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry check" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry check" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry check" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry check" nagios' -l 'nagios' -d 'Print the one-line Nagios plugin output with perfdata.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry check" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry health" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry health" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry health" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry health" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry health" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry health" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry health" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry health" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry health" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry health" probe' -l 'probe' -d 'Probe every service now (and record the results) instead of showing the last run\'s.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry health" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry health" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics" since' -l 'since' -d 'Start of the range: 30s, 5m, 1h, 2d or an RFC 3339 time.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics"' -l 'labels' -d 'Only series with these labels (k=v, comma-separated or repeated).' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics" forecast' -l 'forecast' -d 'Extend each series\' trend over the range this far ahead (e.g. 24h): the expected value, when it reaches each alert rule\'s threshold, and a sparkline of both.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry metrics" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry alerts" -eq 1' -fa 'list' -d 'Alerts firing and pending, with since, count, severity and labels.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry alerts" -eq 1' -fa 'history' -d 'What fired, resolved, escalated or was acknowledged, oldest first.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry alerts" -eq 1' -fa 'rules' -d 'Each alert rule with its current state per series, or the rules for Prometheus.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry alerts" -eq 1' -fa 'silence' -d 'Mute one rule\'s notifications for a while (alerts still fire and are listed).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry alerts" -eq 1' -fa 'unsilence' -d 'End a silence now, by its id or every silence of a rule.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry alerts" -eq 1' -fa 'ack' -d 'Acknowledge a firing alert: no more repeats or escalation; its resolution is still sent.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry alerts" -eq 1' -fa 'test' -d 'Send a test notification to a channel now and report what happened.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry alerts" -eq 1' -fa 'channels' -d 'Notification channels: where each sends, how its deliveries are going, a test notification.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts list" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts list" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts list" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts list" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts list" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts list" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts list" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts list" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts list" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts list" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts history" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts history" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts history" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts history" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts history" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts history" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts history" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts history" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts history" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts history" since' -l 'since' -d 'Start: 30s, 5m, 1h, 2d or an RFC 3339 time.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts history" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts history" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts rules" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts rules" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts rules" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts rules" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts rules" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts rules" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts rules" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts rules" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts rules" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts rules" format' -l 'format' -d 'text (each rule\'s state per series) or prometheus (a rule file).' -rfka 'text prometheus'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts rules" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts rules" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" rule' -l 'rule' -d 'The rule id to silence.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence"' -l 'labels' -d 'Only its alerts with these labels (k=v, comma-separated or repeated).' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" for' -l 'for' -d 'How long: 30m, 2h, 1d.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" comment' -l 'comment' -d 'Why, for whoever looks next.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" list' -l 'list' -d 'List the active silences instead.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts silence" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts unsilence" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts unsilence" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts unsilence" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts unsilence" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts unsilence" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts unsilence" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts unsilence" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts unsilence" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts unsilence" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts unsilence" rule' -l 'rule' -d 'End every silence of this rule.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts unsilence" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts unsilence" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts ack" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts ack" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts ack" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts ack" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts ack" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts ack" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts ack" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts ack" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts ack" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts ack" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts ack" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts test" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts test" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts test" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts test" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts test" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts test" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts test" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts test" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts test" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts test" channel' -l 'channel' -d 'The channel name from notification_channels.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts test" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts test" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry alerts channels" -eq 1' -fa 'list' -d 'Each channel with its type, target (secrets masked), last success, failures in a row, pending notifications and fallback.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry alerts channels" -eq 1' -fa 'test' -d 'Send a test notification to a channel now, past the outbox, and report its answer (exit 1 when it fails).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels list" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels list" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels list" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels list" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels list" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels list" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels list" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels list" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels list" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels list" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels test" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels test" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels test" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels test" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels test" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels test" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels test" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels test" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels test" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels test" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry alerts channels test" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" since' -l 'since' -d 'Traces starting since: 30s, 5m, 1h, 2d or an RFC 3339 time.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" until' -l 'until' -d 'Traces starting before this time.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" service' -l 'service' -d 'Only traces this service took part in.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" name' -l 'name' -d 'Only traces with a span whose name contains this.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" min-duration' -l 'min-duration' -d 'Only traces lasting at least this long, e.g. 500ms.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" max-duration' -l 'max-duration' -d 'Only traces lasting at most this long.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" status' -l 'status' -d 'error: traces with an error span; ok: traces without.' -rfka 'error ok'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces"' -l 'attr' -d 'Only traces with a span or resource attribute of this value (repeatable).' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" limit' -l 'limit' -d 'The most traces to list.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry traces" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry trace" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry trace" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry trace" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry trace" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry trace" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry trace" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry trace" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry trace" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry trace" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry trace" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry trace" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze"' -l 'pattern' -d 'A detector to run (repeatable): slow_service_call, p2p_discovery_timeout, cascading_failures.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" since' -l 'since' -d 'Traces starting since: 30s, 5m, 1h, 2d or an RFC 3339 time.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" service' -l 'service' -d 'Only traces this service took part in; the summary shows its operations, the advice what it calls or is called in.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" summary' -l 'summary' -d 'Add the bottleneck summary to the chosen patterns.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" advice' -l 'advice' -d 'Say what to change instead (N+1, serial fan-out, retry storms, slow operations, chatty services).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry analyze" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry ingest" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry ingest" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry ingest" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry ingest" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry ingest" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry ingest" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry ingest" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry ingest" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry ingest" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole telemetry ingest" -ge 1' -F
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry ingest" format' -l 'format' -d 'json (lines or one document) or proto (one message or length-delimited); detected when absent.' -rfka 'json proto'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry ingest" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry ingest" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec" name' -l 'name' -d 'The span\'s name.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec" service' -l 'service' -d 'The span\'s service.name.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec"' -l 'attr' -d 'A span attribute (repeatable).' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry exec" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" listen' -l 'listen' -d 'OTLP/HTTP, /health, /metrics and dashboard address (default: serve.listen, 127.0.0.1:4318).' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" grpc-listen' -l 'grpc-listen' -d 'OTLP/gRPC address (default: serve.grpc_listen, 127.0.0.1:4317).' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" no-grpc' -l 'no-grpc' -d 'No OTLP/gRPC listener.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" auth-token' -l 'auth-token' -d 'Bearer token required on every endpoint but /health and the dashboard page (env BLACKHOLE_AUTH_TOKEN).' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" insecure' -l 'insecure' -d 'Listen beyond loopback without a token.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" tls-cert' -l 'tls-cert' -d 'TLS certificate chain (PEM) for every listener (default: serve.tls_cert); read again on SIGHUP.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" tls-key' -l 'tls-key' -d 'The certificate\'s private key (PEM; default: serve.tls_key).' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" tls-client-ca' -l 'tls-client-ca' -d 'Mutual TLS: clients must present a certificate signed by this CA (PEM; default: serve.tls_client_ca).' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" allow-insecure-token' -l 'allow-insecure-token' -d 'Send the bearer token over plaintext beyond loopback (without TLS).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" max-body-size' -l 'max-body-size' -d 'Largest OTLP request body, compressed or inflated (e.g. 8MiB).' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" read-timeout' -l 'read-timeout' -d 'Time a client has to send a request\'s head, then its body; an idle connection is closed after as long.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" forward-otlp' -l 'forward-otlp' -d 'Also export what is received to this OTLP/HTTP endpoint (…/v1/traces, …/v1/metrics are appended).' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" forward-ca' -l 'forward-ca' -d 'A CA (PEM) to trust, besides the system\'s, for an https --forward-otlp (and serve\'s other HTTPS clients).' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" no-check' -l 'no-check' -d 'Do not run check in the background (receive and serve only).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry prune" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry prune" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry prune" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry prune" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry prune" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry prune" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry prune" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry prune" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry prune" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry prune" dry-run' -l 'dry-run' -d 'Report what would be removed without removing it.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry prune" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry prune" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" dry-run' -l 'dry-run' -d 'Say what would run and what check would decide now; run nothing.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" pause' -l 'pause' -d 'Stop automatic actions for the service (see --for).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" for' -l 'for' -d 'How long --pause lasts: 30m, 2h, 1d.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" resume' -l 'resume' -d 'Let automatic actions run again.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediations" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediations" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediations" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediations" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediations" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediations" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediations" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediations" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediations" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediations" since' -l 'since' -d 'Start: 30s, 5m, 1h, 2d or an RFC 3339 time.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediations" service' -l 'service' -d 'Only this service\'s actions.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediations" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole telemetry remediations" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole p2p" -eq 1' -fa 'status' -d 'Probe the known peers (TCP connect + multistream-select) and judge connectivity.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole p2p" -eq 1' -fa 'discover' -d 'Find peers (bootstrap list, /dnsaddr names, libp2p mDNS), probe and record them.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status"' -l 'peer' -d 'Also probe this multiaddr (repeatable).' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status" sample' -l 'sample' -d 'Average the latency over up to this many reachable peers.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status" timeout' -l 'timeout' -d 'Give each peer this long: 500ms, 5s.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p discover" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p discover" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p discover" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p discover" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p discover" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p discover" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p discover" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p discover" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p discover" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p discover" mdns' -l 'mdns' -d 'Also ask the local network (libp2p mDNS), whatever p2p.mdns says.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p discover" timeout' -l 'timeout' -d 'How long each source and each probe may take.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p discover" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole p2p discover" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole config" -eq 1' -fa 'init' -d 'Write a commented starter config (to --config, or ~/.config/blackhole/config.yaml).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole config" -eq 1' -fa 'validate' -d 'List every problem in the config file as FILE:LINE:COL: message.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole config" -eq 1' -fa 'show' -d 'Print the effective configuration, defaults included, secrets masked.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_positional "blackhole config" -eq 1' -fa 'network' -d 'The node\'s network for P2P troubleshooting, and what in the config cannot work on it.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config init" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config init" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config init" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config init" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config init" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config init" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config init" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config init" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config init" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config init" force' -l 'force' -d 'Replace an existing file.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config init" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config validate" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config validate" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config validate" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config validate" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config validate" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config validate" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config validate" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config validate" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config validate" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config validate" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config validate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config show" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config show" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config show" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config show" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config show" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config show" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config show" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config show" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config show" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config show" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config network" db' -l 'db' -d 'Database file (env BLACKHOLE_DB; default ~/.local/state/blackhole/telemetry.db).' -rF
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config network" config' -l 'config' -d 'Config file (env BLACKHOLE_CONFIG; default ~/.config/blackhole/config.yaml, then /etc/blackhole/config.yaml).' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config network" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config network" no-color' -l 'no-color' -d 'No colour, even on a terminal (also NO_COLOR).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config network" utc' -l 'utc' -d 'Show times in UTC instead of local time.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config network" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors (and --json output).'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config network" v verbose' -l 'verbose' -s 'v' -d 'Print more detail.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config network" log-level' -l 'log-level' -d 'Least severe log record written to stderr by serve and its background work.' -rfka 'trace debug info notice warning error critical'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config network" log-format' -l 'log-format' -d 'Log records as text, or as JSON lines for journald or Loki.' -rfka 'text json'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config network" timeout' -l 'timeout' -d 'How long each name may take to resolve.' -rfka ''
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config network" version' -l 'version' -d 'Show the version.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole config network" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'blackhole' -n '__blackhole_should_offer_completions_for_flags_or_options "blackhole help" version' -l 'version' -d 'Show the version.'
