//! One binary, several faces: argv[0] decides. `mega-CMD` runs one command; `megash CMD ARGS` runs one command; `megash` alone is the shell on a
//! terminal and batch mode otherwise (`megash -f FILE`, `megash < FILE`).
//!
//! This is the only place that turns an error into an exit status (the shell and batch loops
//! report per line and return their status here).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use megash::commands::{self, Ctx, State, TABLE};
use megash::error::{code, CmdError};
use megash::shell::{self, completions::Shell};
use megash::ui::Ui;

const MEGASH_USAGE: &str = "megash [--debug|-v…] [--progress] [-f FILE] [--keep-going] | megash [OPTIONS] COMMAND [ARGS...] | megash --demo | megash install-commands [--force] [DIR] | megash completions bash|zsh|fish";

fn main() -> ExitCode {
    let mut argv = std::env::args_os();
    let argv0 = argv.next().unwrap_or_default();
    let name = Path::new(&argv0)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut ui = Ui::stdio();
    let args: Result<Vec<String>, CmdError> = argv
        .map(|a| {
            a.into_string().map_err(|a| {
                CmdError::Args(format!(
                    "Invalid argument (not UTF-8): {}",
                    a.to_string_lossy()
                ))
            })
        })
        .collect();
    let status = match args {
        Ok(args) => dispatch(&mut ui, &name, args),
        Err(e) => finish(&mut ui, Err(e)),
    };
    ExitCode::from(status)
}

/// Print the error, if any, and pick the exit status.
fn finish(ui: &mut Ui, result: Result<(), CmdError>) -> u8 {
    let result = result.and_then(|()| ui.flush());
    match result {
        Ok(()) => code::OK,
        Err(e) => {
            ui.report(&e);
            e.exit_code()
        }
    }
}

fn dispatch(ui: &mut Ui, argv0: &str, args: Vec<String>) -> u8 {
    let stem = argv0.strip_suffix(".exe").unwrap_or(argv0);
    if let Some(cmd) = stem.strip_prefix("mega-") {
        let mut words = vec![cmd.to_string()];
        words.extend(args);
        return one_shot(ui, &words);
    }
    megash_face(ui, args)
}

fn usage_error(problem: Option<String>) -> CmdError {
    CmdError::Usage {
        problem,
        usage: MEGASH_USAGE.to_string(),
    }
}

fn megash_face(ui: &mut Ui, args: Vec<String>) -> u8 {
    let mut file: Option<String> = None;
    let mut keep_going = false;
    let mut demo = false;
    // Global options given before the command: passed on to it (the parser accepts them
    // anywhere), and to every line in the shell and batch mode.
    let mut globals: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-f" | "--file" => {
                let Some(f) = args.get(i + 1) else {
                    return finish(ui, Err(usage_error(Some("-f needs a file".into()))));
                };
                file = Some(f.clone());
                i += 2;
            }
            "--keep-going" => {
                keep_going = true;
                i += 1;
            }
            "--demo" => {
                demo = true;
                i += 1;
            }
            a if a == "--debug"
                || a == "--progress"
                || a.len() > 1 && a.starts_with('-') && a[1..].bytes().all(|b| b == b'v') =>
            {
                globals.push(args[i].clone());
                i += 1;
            }
            a if a.starts_with("--file=") => {
                file = Some(a["--file=".len()..].to_string());
                i += 1;
            }
            _ => break,
        }
    }
    commands::set_global_words(globals);
    let rest = &args[i..];
    if demo {
        if let Some(extra) = rest.first().or(file.as_ref()) {
            let problem = format!("--demo takes no command or file: {extra}");
            return finish(ui, Err(usage_error(Some(problem))));
        }
        return megash::demo::run(ui, keep_going);
    }
    if file.is_some() || keep_going || rest.is_empty() {
        if let Some(extra) = rest.first() {
            let problem = format!("Unexpected argument in batch mode: {extra}");
            return finish(ui, Err(usage_error(Some(problem))));
        }
        let batch = |file| shell::Batch {
            keep_going,
            file,
            echo: None,
        };
        return match file.as_deref() {
            Some(path @ "-") => shell::run_batch(ui, std::io::stdin().lock(), batch(Some(path))),
            Some(path) => match std::fs::File::open(path) {
                Ok(f) => shell::run_batch(ui, std::io::BufReader::new(f), batch(Some(path))),
                // 53, MEGAcmd's code for a local path that cannot be opened (`put`).
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => finish(
                    ui,
                    Err(CmdError::NotFound(format!(
                        "Cannot read the batch file {path}: no such file on the local disk"
                    ))),
                ),
                Err(e) => finish(
                    ui,
                    Err(CmdError::io(
                        format!("Cannot read the batch file {path}"),
                        e,
                    )),
                ),
            },
            None if std::io::stdin().is_terminal() => shell::repl(ui),
            None => shell::run_batch(ui, std::io::stdin().lock(), batch(None)),
        };
    }
    let result = match rest[0].as_str() {
        "install-commands" => install_commands(ui, &rest[1..]),
        "completions" => print_completions(ui, &rest[1..]),
        "__complete" => complete(ui, &rest[1..]),
        "--help" | "-h" => return one_shot(ui, &["help".to_string()]),
        "--version" | "-V" => return one_shot(ui, &["version".to_string()]),
        _ => return one_shot(ui, rest),
    };
    finish(ui, result)
}

fn one_shot(ui: &mut Ui, words: &[String]) -> u8 {
    let mut state = State::new(false);
    let result = commands::run(
        &mut Ctx {
            ui,
            state: &mut state,
        },
        words,
    );
    finish(ui, result)
}

fn print_completions(ui: &mut Ui, args: &[String]) -> Result<(), CmdError> {
    let usage = || CmdError::Usage {
        problem: None,
        usage: "megash completions bash|zsh|fish | megash completions fish --dir=DIR".into(),
    };
    match args {
        [name] => ui.raw(&shell::completions::generate(
            Shell::from_name(name).ok_or_else(usage)?,
        )),
        // fish loads completions by command name: one file per name in its folder.
        [name, dir] if name == "fish" && dir.starts_with("--dir=") => {
            let dir = PathBuf::from(&dir["--dir=".len()..]);
            std::fs::create_dir_all(&dir)
                .map_err(|e| CmdError::io(format!("Cannot create {}", dir.display()), e))?;
            let files = shell::completions::fish_files();
            for (name, text) in &files {
                let path = dir.join(name);
                std::fs::write(&path, text)
                    .map_err(|e| CmdError::io(format!("Cannot write {}", path.display()), e))?;
            }
            ui.line(format_args!(
                "Wrote {} fish completion files in {}",
                files.len(),
                dir.display()
            ))
        }
        _ => Err(usage()),
    }
}

/// `megash __complete CMD WORD`: candidates for an operand, one per line (for the scripts).
fn complete(ui: &mut Ui, args: &[String]) -> Result<(), CmdError> {
    let [cmd, word] = args else {
        return Err(CmdError::Usage {
            problem: None,
            usage: "megash __complete COMMAND WORD".into(),
        });
    };
    let mut state = State::new(false);
    // Completion answers from the cache only; a missing or unreadable one just completes less.
    let _ = state.open_account();
    let (_, list) = shell::complete::candidates(&format!("{cmd} {word}"), Some(&state));
    for c in list {
        ui.line(c.trim_end())?;
    }
    Ok(())
}

/// `megash install-commands [--force] [DIR]`: a `mega-CMD` entry point for every command in
/// the table, as a symlink to this binary (a hard link, then a copy, where symlinks fail).
/// Existing files that are not symlinks (e.g. MEGAcmd's own scripts) are left alone unless
/// `--force`.
fn install_commands(ui: &mut Ui, args: &[String]) -> Result<(), CmdError> {
    let usage = || CmdError::Usage {
        problem: None,
        usage: "megash install-commands [--force] [DIR]".into(),
    };
    let force = args.iter().any(|a| a == "--force");
    let dirs: Vec<&String> = args.iter().filter(|a| *a != "--force").collect();
    if dirs.len() > 1 || dirs.iter().any(|d| d.starts_with('-')) {
        return Err(usage());
    }
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| CmdError::io("Cannot find the megash binary", e))?;
    let dir = match dirs.first() {
        Some(d) => PathBuf::from(d),
        None => exe
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| CmdError::Unexpected("The megash binary has no folder".into()))?,
    };
    // Created with its parents, as `install -d` does: ~/.local/bin often does not exist yet.
    if !dir.is_dir() {
        if dir.symlink_metadata().is_ok() {
            return Err(CmdError::InvalidType(format!(
                "Not a valid folder: {}",
                dir.display()
            )));
        }
        std::fs::create_dir_all(&dir)
            .map_err(|e| CmdError::io(format!("Cannot create {}", dir.display()), e))?;
        ui.info(format_args!("Created {}", dir.display()));
    }
    let suffix = if cfg!(windows) { ".exe" } else { "" };
    let mut installed = 0;
    for cmd in TABLE {
        let link = dir.join(format!("mega-{}{suffix}", cmd.name));
        if let Ok(meta) = std::fs::symlink_metadata(&link) {
            if !meta.file_type().is_symlink() && !force {
                ui.warn(format_args!(
                    "{} exists and is not a link; left alone (use --force to replace it)",
                    link.display()
                ));
                continue;
            }
            std::fs::remove_file(&link)
                .map_err(|e| CmdError::io(format!("Cannot replace {}", link.display()), e))?;
        }
        make_entry_point(&exe, &link)
            .map_err(|e| CmdError::io(format!("Cannot create {}", link.display()), e))?;
        installed += 1;
    }
    ui.line(format_args!(
        "Installed {installed} mega-* commands in {}",
        dir.display()
    ))?;
    let on_path =
        std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d == dir));
    if !on_path {
        ui.warn(format_args!(
            "Add {} to your PATH to run them from anywhere",
            dir.display()
        ));
    }
    Ok(())
}

fn make_entry_point(exe: &Path, link: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if std::os::unix::fs::symlink(exe, link).is_ok() {
        return Ok(());
    }
    if std::fs::hard_link(exe, link).is_ok() {
        return Ok(());
    }
    std::fs::copy(exe, link).map(drop)
}
