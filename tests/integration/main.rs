//! Integration tests: docker's verified edge cases, BuildKit rules, properties and the CLI.

// The fixtures call libc directly (geteuid, mkfifo, mknod, poll, a pty for the progress test).
#![allow(unsafe_code, clippy::undocumented_unsafe_blocks)]
// Helpers shared between the test modules are plain `pub`; this crate has no API to guard.
#![allow(unreachable_pub)]

// Most modules build symlinks, fifos, sockets, devices, modes and ptys with Unix calls and run
// on Unix only; the edge cases run everywhere (those needing a Unix file kind are skipped
// elsewhere, with a message).

mod bake;
mod buildkit;
#[cfg(unix)]
mod check_ci;
#[cfg(unix)]
mod ci_gates;
#[cfg(unix)]
mod cli;
#[cfg(unix)]
mod commands;
#[cfg(unix)]
mod contexts;
#[cfg(unix)]
mod copy_exclude;
#[cfg(target_os = "linux")]
mod deep_paths;
#[cfg(unix)]
mod differential;
mod edge_cases;
mod findings;
mod findings_files;
#[cfg(unix)]
mod formats;
mod generic_secrets;
#[cfg(unix)]
mod podman;
#[cfg(unix)]
mod properties;
#[cfg(unix)]
mod pruned_walk;
#[cfg(unix)]
mod qa31_suggest;
#[cfg(unix)]
mod qa32_suggest;
#[cfg(unix)]
mod qa33;
#[cfg(unix)]
mod qa34_suggest;
mod qa35_suggest;
#[cfg(unix)]
mod qa36;
mod qa37;
#[cfg(unix)]
mod qa38;
#[cfg(unix)]
mod qa40;
#[cfg(unix)]
mod qa41;
#[cfg(unix)]
mod qa42;
#[cfg(unix)]
mod qa43;
#[cfg(unix)]
mod qa44;
#[cfg(unix)]
mod qa45;
#[cfg(unix)]
mod qa46;
#[cfg(unix)]
mod qa48;
#[cfg(unix)]
mod qa49;
#[cfg(unix)]
mod qa_repos;
#[cfg(unix)]
mod qa_repos_carry;
#[cfg(unix)]
mod qa_repos_later;
#[cfg(unix)]
mod qa_suggest;
#[cfg(unix)]
mod report;
#[cfg(unix)]
mod report_agrees;
#[cfg(unix)]
mod report_flags;
#[cfg(unix)]
mod scan_cache;
#[cfg(unix)]
mod suggest;
mod util;
