//! One binary, several faces: argv[0] decides. `megasim` runs the local server; anything else
//! is the megash client.
use std::process::ExitCode;

fn main() -> ExitCode {
    let argv0 = std::env::args_os().next().unwrap_or_default();
    let name = std::path::Path::new(&argv0)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.starts_with("megasim") {
        return megash::sim::cli::main();
    }
    eprintln!("megash: the shell is not built yet");
    ExitCode::from(1)
}
