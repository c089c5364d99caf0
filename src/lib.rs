//! ctxsize: exactly what `docker build` sends as its build context — for BuildKit and the
//! classic builder — how big it is, and what in it should not be there.
//!
//! ```no_run
//! use ctxsize::{analyze, Builder, Config};
//! let a = analyze(&Config {
//!     context: ".".into(),
//!     dockerfile: None,
//!     builder: Builder::Buildkit,
//!     cwd: std::env::current_dir().unwrap(),
//!     threads: 0,
//!     excluded_sizes: true,
//!     engine: ctxsize::engine::Engine::Docker,
//! })
//! .unwrap();
//! println!("{} bytes in {} files", a.totals.content_bytes, a.totals.files);
//! ```
#![deny(missing_docs)]

pub mod analysis;
pub mod bake;
pub mod builder;
pub mod buildx;
pub mod check_ci;
pub mod churn;
pub mod commands;
pub mod compose;
pub mod config_file;
pub mod context;
/// Docker's ignore-file reading and matching (the `dockerignore` crate).
pub use dockerignore;
pub mod dockerfile;
pub mod engine;
pub mod error;
pub mod exit;
pub mod explain;
pub mod findings;
pub mod gate;
pub mod growth;
pub mod hash;
pub mod image;
pub mod layers;
pub mod lint;
pub mod named;
pub mod paths;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod rules;
pub mod suggest;
// The only module allowed `unsafe` code (denied crate-wide in Cargo.toml's lints).
#[allow(unsafe_code)]
mod sys;
pub mod tar;
#[cfg(test)]
mod testutil;
pub mod transfer;
pub mod tree;
mod treemap;
pub mod units;
pub mod walk;

pub use analysis::{analyze, Analysis, Config, Totals};
pub use builder::Builder;
pub use error::Error;
pub use exit::ExitCode;
