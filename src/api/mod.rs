//! The MEGA API client as a library: transport, batching, retries, typed calls.
//! Never prints, never reads the terminal.
pub mod link;
