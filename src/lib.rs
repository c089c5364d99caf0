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
//!
//! # Library surface
//!
//! What library users may rely on: the walk ([`analyze`], [`Config`], [`Analysis`], [`Totals`],
//! [`Builder`], [`Error`], [`ExitCode`], [`engine::Engine`]) and the tree it produces ([`tree`]);
//! the questions asked of it ([`context`], [`transfer`], [`explain`], [`suggest`], [`rules`],
//! [`gate`], [`compose`], [`units`]); and the ignore-file matcher ([`dockerignore`]). The
//! modules the `ctxsize` binary drives ([`commands`], [`pipeline`], [`render`]) are public for
//! it and expose only what it uses. Everything else — each command's own modules (bake, buildx,
//! check-ci, churn, layers, lint, hash, growth, …), the walk, the Dockerfile parser, the findings
//! and the report model — is private: `pub(crate)` items, free to change.
#![deny(missing_docs)]

pub mod analysis;
mod bake;
mod builder;
mod buildx;
mod check_ci;
mod churn;
pub mod commands;
pub mod compose;
mod config_file;
pub mod context;
/// Docker's ignore-file reading and matching (the `dockerignore` crate).
pub use dockerignore;
mod dockerfile;
pub mod engine;
mod error;
mod exit;
pub mod explain;
mod findings;
pub mod gate;
mod growth;
mod hash;
mod image;
mod layers;
mod lint;
mod named;
mod paths;
pub mod pipeline;
pub mod render;
mod report;
pub mod rules;
pub mod suggest;
// The only module allowed `unsafe` code (denied crate-wide in Cargo.toml's lints).
#[allow(unsafe_code)]
mod sys;
mod tar;
#[cfg(test)]
mod testutil;
pub mod transfer;
pub mod tree;
mod treemap;
pub mod units;
mod walk;

pub use analysis::{analyze, Analysis, Config, Totals};
pub use builder::Builder;
pub use error::Error;
pub use exit::ExitCode;
