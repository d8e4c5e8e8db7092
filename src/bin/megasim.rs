//! The `megasim` program: a local MEGA server (the megasim crate; this package builds its
//! binary so that cargo installs it next to megash).
fn main() -> std::process::ExitCode {
    megasim::cli::main()
}
