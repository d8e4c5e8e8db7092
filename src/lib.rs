//! megash: the MEGAcmd-compatible command-line client: the command table and one file per
//! command (`commands/`), the shell and batch mode, all output and prompts (`ui`), the one
//! mapping of errors to messages and exit codes (`error`), `diagnose`, and the demo.
//!
//! The layers below are crates of their own (see docs/development.md): megash-crypto,
//! megash-api (the protocol, never prints), megash-client (session, cache, transfers) and
//! megasim (the server, which shares nothing with the client but crypto). They are re-exported
//! here under their old module names.

pub use megash_api as api;
pub use megash_client::{account, cache, graphics, session, sync, transfer};
pub use megash_crypto as crypto;
pub use megasim as sim;

#[path = "../commands/mod.rs"]
pub mod commands;
pub mod demo;
pub mod diagnose;
pub mod error;
pub mod explain;
pub mod shell;
pub mod ui;
