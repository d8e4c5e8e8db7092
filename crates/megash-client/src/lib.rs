//! megash-client: what a MEGA client keeps between commands and how it moves data: the state
//! directory (one rule for where it is), the saved session, the SQLite node cache and its
//! catch-up through `sc`, the logged-in [`account::Account`], the transfer engine
//! (parallel, verified, resumable), and the thumbnails and previews of images ([`graphics`]). Later the sync engine and the vfs layer under
//! WebDAV/FTP/FUSE live here too.
//!
//! May not depend on: the terminal (it never prints and has no terminal crate), the command
//! table, megasim.

use megash_api as api;
use megash_crypto as crypto;

pub mod account;
pub mod cache;
pub mod graphics;
pub mod session;
pub mod sync;
pub mod transfer;
