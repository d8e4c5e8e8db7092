//! megasim's own contract: CLI, storage, isolation, bad input, fault knobs.

mod badinput;
mod cli;
mod client;
mod faults;
mod isolation;
mod limits;
mod links;
mod login;
mod protocol;
mod sc;
mod seed;
mod transfers;
