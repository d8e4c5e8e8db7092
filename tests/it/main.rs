//! The one integration-test binary: every test starts its own megasim on 127.0.0.1:0.

mod api;
mod cache;
mod cli;
mod docs;
mod engine;
mod interop;
mod interop_links;
mod interop_megars;
mod sim;
mod support;
