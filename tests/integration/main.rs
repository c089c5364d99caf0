//! Integration tests: docker's verified edge cases, BuildKit rules, properties and the CLI.

// The fixtures call libc directly (geteuid, mkfifo, mknod, poll, a pty for the progress test).
#![allow(unsafe_code, clippy::undocumented_unsafe_blocks)]
// Helpers shared between the test modules are plain `pub`; this crate has no API to guard.
#![allow(unreachable_pub)]

mod buildkit;
mod ci_gates;
mod cli;
mod differential;
mod edge_cases;
mod properties;
mod report;
mod suggest;
mod util;
