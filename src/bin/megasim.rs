//! The `megasim` program: a local MEGA server.
fn main() -> std::process::ExitCode {
    megash::sim::cli::main()
}
