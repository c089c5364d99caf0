//! The written ignore file in the "after" figures. The proof walks the context as it is on disk
//! with the proposal's text as the patterns, so the file `--write` creates is not in that walk:
//! when none exists today, a builder that sends it (the classic builder always does, docker
//! appends `!.dockerignore`) would send one file more than the walk counted; when one exists,
//! it sends the new text's bytes, not today's.

use std::path::Path;

use crate::analysis::{effective_patterns, Analysis};
use crate::dockerignore::PatternSet;
use crate::tree::{Kind, State, ROOT};

/// Files and content bytes `a` (an analysis with the proposal's text) sends once `text` is
/// written to `destination`.
pub(crate) fn after_counts(a: &Analysis, destination: &Path, text: &str) -> (u64, u64) {
    let (files, bytes) = (a.totals.files, a.totals.content_bytes);
    let new = text.len() as u64;
    let Some(rel) = destination
        .strip_prefix(&a.resolved.root)
        .ok()
        .and_then(|r| r.to_str())
        .map(|r| r.replace(std::path::MAIN_SEPARATOR, "/"))
        .filter(|r| !r.is_empty())
    else {
        return (files, bytes);
    };
    if let Some(id) = a.tree.find(rel.as_bytes()) {
        let n = &a.tree.nodes[id as usize];
        return if n.kind == Kind::File && n.state == State::Sent {
            (files, bytes.saturating_sub(n.size) + new)
        } else {
            (files, bytes)
        };
    }
    // Not there today: sent once written when its directory is and no pattern excludes it.
    let parent_sent = match rel.rsplit_once('/') {
        None => true,
        Some((dir, _)) => a
            .tree
            .find(dir.as_bytes())
            .is_some_and(|d| d != ROOT && a.tree.nodes[d as usize].state == State::Sent),
    };
    if !parent_sent {
        return (files, bytes);
    }
    let Ok((lines, _)) = effective_patterns(&a.resolved, a.builder) else {
        return (files, bytes);
    };
    match PatternSet::new(lines).matches_or_parent_matches(rel.as_bytes()) {
        Ok(false) => (files + 1, bytes + new),
        _ => (files, bytes),
    }
}
