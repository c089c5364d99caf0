//! Integration tests: docker's verified edge cases, BuildKit rules, properties and the CLI.

mod buildkit;
mod ci_gates;
mod cli;
mod differential;
mod edge_cases;
mod properties;
mod report;
mod suggest;
mod util;
