//! megasim: a local server that speaks MEGA's real wire protocol.
//! Uses `crate::crypto` and nothing else of the client.

pub mod cli;
