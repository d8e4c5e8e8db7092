//! The client library (`megash::api`) driven against megasim.
