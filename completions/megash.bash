# bash completion for megash and mega-*. Generated from megash's command table by `megash completions bash`.
# Source it, or install it as ~/.local/share/bash-completion/completions/megash.

_megash_commands="attr backup cancel cat cd clear configure confirm confirmcancel cp debug dedupe deleteversions df diagnose du errorcode export find get graphics help history https import killsession lcd link log login logout lpwd ls masterkey mediainfo mkdir mount mv passwd permissions preview proxy psa put pwd quit reload restore rm serve session signup speedlimit sync sync-ignore sync-issues thumbnail transfers tree userattr version whoami"

_megash_flags() {
    case "$1" in
        attr) echo "-s -d --force-non-official --print-only-value --help" ;;
        backup) echo "--period= --num-backups= -l -h -d -a --once --path-display-size= --time-format= --help" ;;
        cancel) echo "--auth-code= --help" ;;
        cat) echo "--offset= --length= --use-pcre --help" ;;
        cd) echo "--help" ;;
        clear) echo "--help" ;;
        configure) echo "--help" ;;
        confirm) echo "--help" ;;
        confirmcancel) echo "--help" ;;
        cp) echo "--use-pcre --help" ;;
        debug) echo "--help" ;;
        dedupe) echo "-r --mode= --dry-run --help" ;;
        deleteversions) echo "-f --all --use-pcre --help" ;;
        df) echo "-h --json --help" ;;
        diagnose) echo "--login --auth-code= --password-file= --force --json --help" ;;
        du) echo "-h --versions --path-display-size= --use-pcre --json --help" ;;
        errorcode) echo "--help" ;;
        export) echo "-a -d -f --expire= --writable --password= --json --help" ;;
        find) echo "-l --pattern= --type= --mtime= --size= --use-pcre --time-format= --show-handles --print-only-handles --json --help" ;;
        get) echo "-m -q --ignore-quota-warn --use-pcre --help" ;;
        graphics) echo "--help" ;;
        help) echo "-f --non-interactive --upgrade --paths --show-all-options --markdown --help" ;;
        history) echo "--help" ;;
        https) echo "--help" ;;
        import) echo "--help" ;;
        killsession) echo "-a --help" ;;
        lcd) echo "--help" ;;
        link) echo "--help" ;;
        log) echo "-c -s --help" ;;
        login) echo "--auth-code= --auth-key= --resume --password= --password-file= --force --help" ;;
        logout) echo "--keep-session --help" ;;
        lpwd) echo "--help" ;;
        ls) echo "-R -r -l -h -a --tree --show-handles --versions --show-creation-time --time-format= --use-pcre --json --help" ;;
        masterkey) echo "--help" ;;
        mediainfo) echo "--path-display-size= --use-pcre --help" ;;
        mkdir) echo "-p --help" ;;
        mount) echo "--help" ;;
        mv) echo "--use-pcre --help" ;;
        passwd) echo "-f --auth-code= --help" ;;
        permissions) echo "--files --folders -s --help" ;;
        preview) echo "-s --help" ;;
        proxy) echo "--auto --none --username= --password= --help" ;;
        psa) echo "--discard --help" ;;
        put) echo "-c -q --print-tag-at-start --ignore-quota-warn --help" ;;
        pwd) echo "--help" ;;
        quit) echo "--only-shell --help" ;;
        reload) echo "--help" ;;
        restore) echo "--use-pcre --help" ;;
        rm) echo "-r -f --trash --empty-trash --use-pcre --help" ;;
        serve) echo "--log-file= --help" ;;
        session) echo "--json --help" ;;
        signup) echo "--name= --help" ;;
        speedlimit) echo "-u -d --upload-connections --download-connections -h --help" ;;
        sync) echo "--pause --enable --delete --remove --disable -r --once --up --down --max-delete= --show-handles --path-display-size= --col-separator= --output-cols= --json --help" ;;
        sync-ignore) echo "--show --add --add-exclusion --remove --remove-exclusion --help" ;;
        sync-issues) echo "--detail --all --limit= --disable-path-collapse --enable-warning --disable-warning --col-separator= --output-cols= --json --help" ;;
        thumbnail) echo "-s --help" ;;
        transfers) echo "-c -p -r -a --only-downloads --only-uploads --summary --show-completed --show-syncs --help" ;;
        tree) echo "--show-handles --help" ;;
        userattr) echo "-s --list --user= --help" ;;
        version) echo "-l -c --help" ;;
        whoami) echo "-l --json --help" ;;
    esac
}

_megash_operands() {
    case "$1" in
        attr) echo remote ;;
        backup) echo local ;;
        cat) echo remote ;;
        cd) echo remotedir ;;
        cp) echo remote ;;
        dedupe) echo remotedir ;;
        deleteversions) echo remote ;;
        du) echo remote ;;
        export) echo remote ;;
        find) echo remote ;;
        get) echo remote-local ;;
        help) echo command ;;
        import) echo remotedir ;;
        lcd) echo localdir ;;
        link) echo remote ;;
        ls) echo remote ;;
        masterkey) echo local ;;
        mediainfo) echo remote ;;
        mkdir) echo remote ;;
        mv) echo remote ;;
        preview) echo remote-local ;;
        put) echo local ;;
        restore) echo remote ;;
        rm) echo remote ;;
        sync) echo local ;;
        sync-ignore) echo local ;;
        thumbnail) echo remote-local ;;
        tree) echo remote ;;
        *) echo none ;;
    esac
}

_megash() {
    local cur cmd prog
    cur="${COMP_WORDS[COMP_CWORD]}"
    prog="${COMP_WORDS[0]##*/}"
    COMPREPLY=()
    if [[ $prog == mega-* ]]; then
        cmd="${prog#mega-}"
    elif (( COMP_CWORD == 1 )); then
        COMPREPLY=( $(compgen -W "$_megash_commands" -- "$cur") )
        return
    else
        cmd="${COMP_WORDS[1]}"
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=( $(compgen -W "$(_megash_flags "$cmd")" -- "$cur") )
        [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace
        return
    fi
    local kind i n=0 first=2
    kind="$(_megash_operands "$cmd")"
    if [[ $kind == remote-local ]]; then
        # The first operand is remote, the next one a local destination.
        [[ $prog == mega-* ]] && first=1
        for (( i = first; i < COMP_CWORD; i++ )); do
            [[ ${COMP_WORDS[i]} == -* ]] || (( n++ ))
        done
        if (( n == 0 )); then kind=remote; else kind=local; fi
    fi
    case "$kind" in
        remote|remotedir)
            local IFS=$'\n'
            COMPREPLY=( $(megash __complete "$cmd" "$cur" 2>/dev/null) )
            compopt -o nospace ;;
        local) compopt -o default ;;
        localdir) COMPREPLY=( $(compgen -d -- "$cur") ) ;;
        command) COMPREPLY=( $(compgen -W "$_megash_commands" -- "$cur") ) ;;
    esac
}

complete -F _megash megash mega-attr mega-backup mega-cancel mega-cat mega-cd mega-clear mega-configure mega-confirm mega-confirmcancel mega-cp mega-debug mega-dedupe mega-deleteversions mega-df mega-diagnose mega-du mega-errorcode mega-export mega-find mega-get mega-graphics mega-help mega-history mega-https mega-import mega-killsession mega-lcd mega-link mega-log mega-login mega-logout mega-lpwd mega-ls mega-masterkey mega-mediainfo mega-mkdir mega-mount mega-mv mega-passwd mega-permissions mega-preview mega-proxy mega-psa mega-put mega-pwd mega-quit mega-reload mega-restore mega-rm mega-serve mega-session mega-signup mega-speedlimit mega-sync mega-sync-ignore mega-sync-issues mega-thumbnail mega-transfers mega-tree mega-userattr mega-version mega-whoami
