//! Integration tests: docker's verified edge cases, BuildKit rules, properties and the CLI.

// Tests make fifos, devices and ptys through libc; the crate's own `unsafe` is only in src/sys/.
#![allow(unsafe_code)]

// Most modules build symlinks, fifos, sockets, devices, modes and ptys with Unix calls and run
// on Unix only; the edge cases run everywhere (those needing a Unix file kind are skipped
// elsewhere, with a message).

#[cfg(unix)]
mod buildkit;
#[cfg(unix)]
mod ci_gates;
#[cfg(unix)]
mod cli;
#[cfg(unix)]
mod differential;
mod edge_cases;
#[cfg(unix)]
mod properties;
#[cfg(unix)]
mod report;
#[cfg(unix)]
mod suggest;
mod util;
