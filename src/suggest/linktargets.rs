//! The targets of symlinks among a Dockerfile's sources. BuildKit transfers a symlink source's
//! target with it, and both builders copy the target's content (docs/buildkit.md B15), but only
//! when the ignore file sends the target too: node-red-docker's `COPY .docker/healthcheck.js /`
//! names a link to `../docker-custom/healthcheck.js`, and an allowlist keeping only the link
//! leaves the build copying a dangling symlink ("not found").

use std::collections::HashSet;
use std::path::Path;

use super::Sel;

/// Selections for what the symlinks among `sels` resolve to, inside the context (`root`), that
/// no selection of `sels` selects yet and that exist in the walk (`has`).
pub(crate) fn link_sels(root: &Path, sels: &[Sel], has: &HashSet<&str>) -> Vec<Sel> {
    let paths: Vec<Vec<u8>> = sels
        .iter()
        .filter(|s| !s.broad && !s.path.is_empty())
        .map(|s| s.path.as_bytes().to_vec())
        .collect();
    if paths.is_empty() {
        return Vec::new();
    }
    let Ok(Some(resolved)) = crate::context::follow_links(root, &paths) else {
        return Vec::new();
    };
    let mut out: Vec<Sel> = Vec::new();
    for r in resolved {
        let r = String::from_utf8_lossy(&r).into_owned();
        let r = r.strip_prefix("./").unwrap_or(&r).to_string();
        if r.is_empty()
            || !has.contains(r.as_str())
            || sels.iter().chain(out.iter()).any(|s| s.selects(&r))
        {
            continue;
        }
        out.push(Sel::link_target(r));
    }
    out
}
