//! Completion scripts for bash, zsh and fish, generated from the command table
//! (`megash completions SHELL`; the committed copies in completions/ are checked by a test).
//! Command names and flags are static; remote paths call back `megash __complete CMD WORD`,
//! which answers from the local cache without the network.

use std::fmt::Write;

use crate::commands::{Command, Flag, Operand, TABLE};

/// A shell we generate for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    /// Every shell, with the file name of its script under completions/.
    pub const ALL: [(Shell, &'static str); 3] = [
        (Shell::Bash, "megash.bash"),
        (Shell::Zsh, "_megash"),
        (Shell::Fish, "megash.fish"),
    ];

    /// By name: `bash`, `zsh`, `fish`.
    pub fn from_name(name: &str) -> Option<Shell> {
        match name {
            "bash" => Some(Shell::Bash),
            "zsh" => Some(Shell::Zsh),
            "fish" => Some(Shell::Fish),
            _ => None,
        }
    }
}

/// The script for `shell`.
pub fn generate(shell: Shell) -> String {
    match shell {
        Shell::Bash => bash(),
        Shell::Zsh => zsh(),
        Shell::Fish => fish(),
    }
}

const HEADER: &str = "Generated from megash's command table by `megash completions";

fn command_list() -> String {
    TABLE.iter().map(|c| c.name).collect::<Vec<_>>().join(" ")
}

fn entry_points() -> String {
    TABLE
        .iter()
        .map(|c| format!("mega-{}", c.name))
        .collect::<Vec<_>>()
        .join(" ")
}

fn operand_word(kind: Operand) -> &'static str {
    match kind {
        Operand::None => "none",
        Operand::Remote => "remote",
        Operand::RemoteDir => "remotedir",
        Operand::Local => "local",
        Operand::LocalDir => "localdir",
        Operand::Command => "command",
        Operand::RemoteThenLocal => "remote-local",
    }
}

fn flag_words(cmd: &Command) -> String {
    let mut words: Vec<String> = cmd
        .flags
        .iter()
        .map(|f| match (f.long, f.value) {
            (Some(l), Some(_)) => format!("--{l}="),
            _ => f.spelling(),
        })
        .collect();
    words.push("--help".into());
    words.join(" ")
}

fn bash() -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# bash completion for megash and mega-*. {HEADER} bash`."
    );
    let _ = writeln!(
        s,
        "# Source it, or install it as ~/.local/share/bash-completion/completions/megash."
    );
    let _ = writeln!(s, "\n_megash_commands=\"{}\"\n", command_list());
    s.push_str("_megash_flags() {\n    case \"$1\" in\n");
    for c in TABLE {
        let _ = writeln!(s, "        {}) echo \"{}\" ;;", c.name, flag_words(c));
    }
    s.push_str("    esac\n}\n\n_megash_operands() {\n    case \"$1\" in\n");
    for c in TABLE.iter().filter(|c| c.operands != Operand::None) {
        let _ = writeln!(
            s,
            "        {}) echo {} ;;",
            c.name,
            operand_word(c.operands)
        );
    }
    s.push_str(
        r#"        *) echo none ;;
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

"#,
    );
    let _ = writeln!(s, "complete -F _megash megash {}", entry_points());
    s
}

/// Text safe inside a zsh `_arguments` spec (`'…[help]'`).
fn zsh_escape(text: &str) -> String {
    text.replace('\'', "'\\''")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

fn zsh_flag(f: &Flag) -> String {
    let help = zsh_escape(f.help);
    match (f.short, f.long, f.value) {
        (_, Some(l), Some(v)) => format!("'--{l}=[{help}]:{}:'", zsh_escape(v).replace(':', "\\:")),
        (_, Some(l), None) => format!("'--{l}[{help}]'"),
        (Some(c), None, _) => format!("'*-{c}[{help}]'"),
        (None, None, _) => String::new(),
    }
}

fn zsh() -> String {
    let mut s = String::new();
    let _ = writeln!(s, "#compdef megash {}", entry_points());
    let _ = writeln!(s, "# zsh completion for megash and mega-*. {HEADER} zsh`.");
    s.push_str("# Put this file, named _megash, in a folder of $fpath.\n\n");
    // _arguments calls an action with compadd options (-J group, -X description...) in
    // front of its own words: the command name is the last word, the rest go to compadd.
    s.push_str("_megash_remote() {\n    local cmd=${@[-1]}\n    local -a found\n    found=(${(f)\"$(megash __complete $cmd \"$PREFIX\" 2>/dev/null)\"})\n    compadd \"${@[1,-2]}\" -S '' -Q -- ${found% }\n}\n\n");
    s.push_str("_megash_command_list() {\n    local -a cmds\n    cmds=(\n");
    for c in TABLE {
        let _ = writeln!(s, "        '{}:{}'", c.name, zsh_escape(c.summary));
    }
    s.push_str("    )\n    _describe 'command' cmds\n}\n\n");
    s.push_str("_megash_args() {\n    case $1 in\n");
    for c in TABLE {
        let mut specs: Vec<String> = c.flags.iter().map(zsh_flag).collect();
        specs.push("'--help[Print the usage of this command]'".into());
        let operand = match c.operands {
            Operand::None => None,
            Operand::Remote | Operand::RemoteDir => {
                Some(format!("'*:remote path:_megash_remote {}'", c.name))
            }
            Operand::Local => Some("'*:local path:_files'".to_string()),
            Operand::RemoteThenLocal => Some(format!(
                "'1:remote path:_megash_remote {}' '2:local path:_files'",
                c.name
            )),
            Operand::LocalDir => Some("'*:local folder:_files -/'".to_string()),
            Operand::Command => Some("'*:command:_megash_command_list'".to_string()),
        };
        specs.extend(operand);
        let _ = writeln!(
            s,
            "        {}) _arguments -s {} ;;",
            c.name,
            specs.join(" ")
        );
    }
    s.push_str(
        r#"    esac
}

_megash() {
    if [[ $service == mega-* ]]; then
        _megash_args ${service#mega-}
    elif (( CURRENT == 2 )); then
        _megash_command_list
    else
        local cmd=$words[2]
        shift words
        (( CURRENT-- ))
        _megash_args $cmd
    fi
}

_megash "$@"
"#,
    );
    s
}

/// Text safe inside a fish single-quoted string.
fn fish_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\'', "\\'")
}

const FISH_OPERANDS_BEFORE: &str = "function __megash_operands_before\n    set -l n 0\n    for w in (commandline -opc)[2..-1]\n        string match -q -- '-*' $w; or set n (math $n + 1)\n    end\n    echo $n\nend\n";

/// The `complete` lines of one command for one target (`megash`'s subcommand, or the
/// `mega-NAME` entry point).
fn fish_lines(c: &Command, entry_point: bool) -> String {
    let mut s = String::new();
    let target = if entry_point {
        format!("-c mega-{}", c.name)
    } else {
        format!("-c megash -n '__fish_seen_subcommand_from {}'", c.name)
    };
    for f in c.flags {
        let mut line = format!("complete {target}");
        if let Some(ch) = f.short {
            let _ = write!(line, " -s {ch}");
        }
        if let Some(l) = f.long {
            let _ = write!(line, " -l {l}");
        }
        if f.value.is_some() {
            line.push_str(" -r");
        }
        let _ = writeln!(s, "{line} -d '{}'", fish_escape(f.help));
    }
    let remote = format!("-f -a '(megash __complete {} (commandline -ct))'", c.name);
    let operand = match c.operands {
        Operand::None => None,
        Operand::Remote | Operand::RemoteDir => Some(remote.clone()),
        Operand::Local | Operand::LocalDir => Some("-F".to_string()),
        Operand::Command => Some(format!("-f -a '{}'", command_list())),
        Operand::RemoteThenLocal => None,
    };
    if let Some(op) = operand {
        let _ = writeln!(s, "complete {target} {op}");
    }
    if c.operands == Operand::RemoteThenLocal {
        // The first operand is remote, later ones local. `megash get` counts `get` among
        // the words before the cursor; `mega-get` does not.
        let (name, seen, first) = if entry_point {
            (format!("mega-{}", c.name), String::new(), 0)
        } else {
            (
                "megash".to_string(),
                format!("__fish_seen_subcommand_from {}; and ", c.name),
                1,
            )
        };
        let cond = |op: &str| format!("{seen}test (__megash_operands_before) {op} {first}");
        let _ = writeln!(s, "complete -c {name} -n '{}' {remote}", cond("-le"));
        let _ = writeln!(s, "complete -c {name} -n '{}' -F", cond("-gt"));
    }
    s
}

/// `megash.fish`: completion of `megash` itself.
fn fish_megash() -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# fish completion for megash. {HEADER} fish`.");
    s.push_str(
        "complete -c megash -f
",
    );
    s.push_str(FISH_OPERANDS_BEFORE);
    s.push('\n');
    for c in TABLE {
        let _ = writeln!(
            s,
            "complete -c megash -n __fish_use_subcommand -a {} -d '{}'",
            c.name,
            fish_escape(c.summary)
        );
    }
    for c in TABLE {
        s.push('\n');
        s.push_str(&fish_lines(c, false));
    }
    s
}

/// One script with everything, for `source` (fish loads files from its completions folder
/// by command name only, so a single file there would not serve the `mega-*` names:
/// `megash completions fish --dir=DIR` writes one file per name instead).
fn fish() -> String {
    let mut s = fish_megash();
    for c in TABLE {
        s.push('\n');
        s.push_str(&fish_lines(c, true));
    }
    s
}

/// The files fish wants in a completions folder: `megash.fish` and `mega-NAME.fish` for
/// every command, each loaded when its own name is completed.
pub fn fish_files() -> Vec<(String, String)> {
    let mut files = vec![("megash.fish".to_string(), fish_megash())];
    for c in TABLE {
        let mut s = format!(
            "# fish completion for mega-{}. {HEADER} fish --dir=DIR`.\n",
            c.name
        );
        s.push_str("complete -c mega-");
        s.push_str(c.name);
        s.push_str(" -f\n");
        if c.operands == Operand::RemoteThenLocal {
            s.push_str(FISH_OPERANDS_BEFORE);
        }
        s.push_str(&fish_lines(c, true));
        files.push((format!("mega-{}.fish", c.name), s));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_and_flag_is_in_every_script() {
        for (shell, _) in Shell::ALL {
            let script = generate(shell);
            for c in TABLE {
                assert!(script.contains(c.name), "{shell:?} lacks {}", c.name);
                for f in c.flags {
                    if let Some(l) = f.long {
                        assert!(script.contains(l), "{shell:?} lacks --{l}");
                    }
                }
            }
        }
    }

    #[test]
    fn zsh_specs_escape_brackets_and_colons() {
        let f = Flag::opt("type", "d|f", "Only [d]irs: or files");
        assert_eq!(zsh_flag(&f), r"'--type=[Only \[d\]irs: or files]:d|f:'");
    }
}
