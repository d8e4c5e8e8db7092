//! megasim's own contract: CLI, storage, isolation, bad input, fault knobs.
