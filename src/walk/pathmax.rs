//! Entries whose path is too long for one system call ([`sys::PATH_MAX`]) as BuildKit's client
//! meets them. Its walk (fsutil's `filterFS.Walk` over Go's `filepath.WalkDir`) names each entry
//! by the context argument joined with its relative path: `lstat` of an entry it sends fails
//! with "file name too long", and so does opening an excluded directory it walks into (an
//! exception may reach inside); an excluded file is never looked at. The build stops at the
//! first such entry in the walk's order (each directory's names sorted, depth first). With
//! `docker build .` the names are relative; given as an absolute path, the context's own path
//! counts too (`prefix` of [`buildkit_first`]).

use crate::sys;
use crate::tree::{Kind, State, Tree, ROOT};

/// The first entry BuildKit's walk fails on, and whether it fails opening it (an excluded
/// directory walked into) rather than on `lstat`.
pub(crate) struct TooLong {
    pub(crate) rel: Vec<u8>,
    pub(crate) open: bool,
}

/// Path lengths of every node, relative to the root.
fn lengths(tree: &Tree) -> Vec<usize> {
    const UNKNOWN: usize = usize::MAX;
    let mut len = vec![UNKNOWN; tree.nodes.len()];
    let mut chain: Vec<u32> = Vec::new();
    for i in 0..tree.nodes.len() as u32 {
        let mut cur = i;
        while cur != ROOT && len[cur as usize] == UNKNOWN {
            chain.push(cur);
            cur = tree.nodes[cur as usize].parent;
        }
        let mut base = if cur == ROOT {
            None
        } else {
            Some(len[cur as usize])
        };
        while let Some(c) = chain.pop() {
            let l = base.map_or(0, |b| b + 1) + tree.name(c).len();
            len[c as usize] = l;
            base = Some(l);
        }
    }
    len
}

/// Whether BuildKit's walk fails on node `i` whose relative path is `len` bytes long, with the
/// path joined to a prefix of `prefix` bytes (0: none).
fn fails(tree: &Tree, i: usize, len: usize, prefix: usize) -> Option<bool> {
    let n = &tree.nodes[i];
    if !sys::too_long(prefix, len) {
        return None;
    }
    match n.state {
        State::Sent => Some(false),
        State::ExcludedWalked if n.kind == Kind::Dir => Some(true),
        _ => None,
    }
}

/// The first entry the walk fails on with its names joined to a prefix of `prefix` bytes: 0
/// for `docker build .` (relative names), the root's length for `docker build /abs/path`.
pub(crate) fn buildkit_first(tree: &Tree, prefix: usize) -> Option<TooLong> {
    // Nothing to look for (nearly always): one comparison.
    if !sys::too_long(prefix, tree.longest) {
        return None;
    }
    let len = lengths(tree);
    let mut best: Option<(Vec<u8>, bool)> = None;
    for (i, &l) in len.iter().enumerate() {
        let Some(open) = fails(tree, i, l, prefix) else {
            continue;
        };
        let p = tree.path(i as u32);
        // Depth first with each directory's names sorted: compare name by name.
        let earlier = best
            .as_ref()
            .is_none_or(|(b, _)| p.split(|&c| c == b'/').lt(b.split(|&c| c == b'/')));
        if earlier {
            best = Some((p, open));
        }
    }
    best.map(|(rel, open)| TooLong { rel, open })
}
