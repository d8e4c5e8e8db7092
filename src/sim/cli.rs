//! The `megasim` command line.

/// Entry point for the `megasim` program; returns the process exit code.
pub fn main() -> std::process::ExitCode {
    eprintln!("megasim: not built yet");
    std::process::ExitCode::from(1)
}
