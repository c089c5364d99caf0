//! Files the proposal puts into the image that today's file keeps out: a `COPY ./container/ ./`
//! whose directory the user's file narrowed (`*`, then `!container/entrypoint.sh`) copies the
//! whole directory once suggest keeps it. The claim allows it (nothing the build copies is lost),
//! but the image changes, and the summary says which files.

use super::prove::Proof;

/// The warning naming the files the build copies (not by name) that only the proposal sends.
pub(super) fn warning(proof: &Proof) -> Option<String> {
    let n = proof.widened.len();
    if n == 0 {
        return None;
    }
    let mut names: Vec<String> = proof
        .widened
        .iter()
        .take(5)
        .map(|p| format!("`{p}`"))
        .collect();
    if n > 5 {
        names.push(format!("and {} more", n - 5));
    }
    Some(format!(
        "the proposal sends {n} file(s) the build copies that the current file keeps out, so the image gains them: {}; add exclusion lines after the keep lines if the image should not hold them",
        names.join(", ")
    ))
}
