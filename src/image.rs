//! `COPY --exclude`: the third of a build's sets. What is **sent** is the context after the
//! ignore file; what is **transferred** is what the Dockerfile's sources reach in it
//! ([`crate::transfer`]); what lands **in the image** is the transferred files a COPY/ADD copies
//! and its `--exclude` does not remove. BuildKit applies `--exclude` in the copy itself
//! (moby/buildkit frontend/dockerfile/dockerfile2llb/convert_copy.go hands the patterns to
//! `llb.WithExcludePatterns`), while the context paths it asks the client for come from the
//! sources alone (convert.go records `c.SourcePaths` in `ctxPaths` whatever the excludes), so a
//! file removed by `--exclude` still crosses to the builder: only `.dockerignore` keeps it off
//! the wire.

use crate::analysis::Analysis;
use crate::dockerfile::{excluded_rel, ContextSource, Sources};
use crate::dockerignore::PatternSet;
pub(crate) use crate::report::CopyExcluded;
use crate::transfer::node_paths;

/// What lands in the image from this context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ImageSet {
    /// Regular files copied into the image.
    pub files: u64,
    /// Their bytes (hardlinked content once).
    pub bytes: u64,
    /// Transferred but removed by `--exclude`, in path order.
    pub excluded: Vec<CopyExcluded>,
}

fn copies(s: &ContextSource) -> bool {
    let i = s.instruction.trim_start_matches("ONBUILD ");
    (i == "COPY" || i == "ADD") && !s.unresolved
}

/// The image set, when some COPY/ADD has `--exclude` (`None` otherwise: nothing is removed in
/// the copy). `used`: the transfer set per tree node ([`crate::transfer::Transfer::used`]).
pub(crate) fn compute(a: &Analysis, sources: &Sources, used: &[bool]) -> Option<ImageSet> {
    if !sources
        .items
        .iter()
        .any(|s| copies(s) && !s.excludes.is_empty())
    {
        return None;
    }
    let sels: Vec<(&ContextSource, Option<PatternSet>)> = sources
        .items
        .iter()
        .filter(|s| copies(s))
        .map(|s| {
            let ex = (!s.excludes.is_empty())
                .then(|| PatternSet::parse(s.excludes.join("\n").as_bytes()).ok())
                .flatten();
            (s, ex)
        })
        .collect();
    let paths = node_paths(&a.tree);
    let mut img = ImageSet::default();
    for (i, p) in paths.iter().enumerate() {
        if !used.get(i).copied().unwrap_or(false) {
            continue;
        }
        let mut selected = false;
        let mut first_excluder: Option<&ContextSource> = None;
        let mut in_image = false;
        for (s, ex) in &sels {
            let Some(rel) = excluded_rel(&s.path, s.has_wildcard, p) else {
                continue;
            };
            selected = true;
            let removed = ex.as_ref().is_some_and(|ex| {
                ex.matches_or_parent_matches(rel.as_bytes())
                    .unwrap_or(false)
            });
            if removed {
                first_excluder.get_or_insert(s);
            } else {
                in_image = true;
                break;
            }
        }
        if in_image {
            img.files += 1;
            if a.hardlink_entries.binary_search(&(i as u32)).is_err() {
                img.bytes += a.tree.nodes[i].size;
            }
        } else if let (true, Some(s)) = (selected, first_excluder) {
            img.excluded.push(CopyExcluded {
                path: p.clone(),
                line: s.line,
                excludes: s.excludes.clone(),
            });
        }
    }
    img.excluded
        .sort_by(|x, y| x.path.as_bytes().cmp(y.path.as_bytes()));
    Some(img)
}
