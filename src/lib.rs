//! megash: a MEGAcmd-compatible client for MEGA, and megasim, a local MEGA server.
//!
//! Layers, bottom up: `crypto` (pure primitives, shared with the server), `api` (the wire
//! protocol as a library, no terminal I/O), and `sim` (megasim, which shares nothing with the
//! client but `crypto` and wire conventions).

pub mod account;
pub mod api;
pub mod cache;
#[path = "../commands/mod.rs"]
pub mod commands;
pub mod crypto;
pub mod demo;
pub mod diagnose;
pub mod error;
pub mod explain;
pub mod session;
pub mod shell;
pub mod sim;
pub mod transfer;
pub mod ui;
