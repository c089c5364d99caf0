//! Integration tests: docker's verified edge cases, BuildKit rules, properties and the CLI.

// Tests make fifos, devices and ptys through libc; the crate's own `unsafe` is only in src/sys/.
#![allow(unsafe_code)]

mod buildkit;
mod ci_gates;
mod cli;
mod differential;
mod edge_cases;
mod properties;
mod report;
mod suggest;
mod util;
