//! Discovery's second thoughts: notes of Dockerfiles that discovery read but does not serve.

use super::targets::Target;

/// What [`super::targets::collect`] writes in the note on stages the default build skips, after
/// the Dockerfile's path and `: stage`.
const STAGE_NOTE: &str = " not built by default but by `docker build --target`";

/// Drops, from `notes[from..]`, the note on stages the default build skips of each Dockerfile
/// that is not served: discovery reads a found Dockerfile (and says which of its stages only a
/// `--target` build uses) before it decides to serve it; "hack/vendor.Dockerfile: stages …
/// their sources are kept too" beside "hack/vendor.Dockerfile … not served" contradicts itself.
pub(super) fn drop_unserved_stage_notes(notes: &mut Vec<String>, from: usize, served: &[Target]) {
    let mut k = 0;
    notes.retain(|n| {
        k += 1;
        k <= from
            || !n.contains(STAGE_NOTE)
            || served
                .iter()
                .any(|t| n.starts_with(&format!("{}: stage", t.rel)))
    });
}

/// A found file with a bare Dockerfile name and a source-code extension whose text is not a
/// Dockerfile (`package dockerfile` in a Go `dockerfile.go`, `defmodule` in an Elixir
/// `dockerfile.ex`): source code, skipped without a note. A `Dockerfile.go` that parses is a
/// Dockerfile variant, and one of another name that does not parse keeps its note.
pub(super) fn source_file(abs: &std::path::Path, name: &str) -> bool {
    crate::dockerfile::code_named(name.as_bytes())
        && std::fs::read(abs)
            .is_ok_and(|b| crate::dockerfile::parse(&String::from_utf8_lossy(&b)).is_err())
}
