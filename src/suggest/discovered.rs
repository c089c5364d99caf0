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
