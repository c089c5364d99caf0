//! The `gitignored` findings: what the context sends although git ignores it and does not
//! track it. The ignore files are read once; the entries are decided in parallel, subtree by
//! subtree, in the order one depth-first walk would give.

use rayon::prelude::*;

use super::{finding, rkind, Index};
use crate::analysis::Analysis;
use crate::report::Finding;
use crate::rules::gitindex::Tracked;
use crate::rules::{GitignoreSet, Hit};
use crate::tree::{Kind, State, Tree, ROOT};

/// The `gitignored` findings: entries sent although git ignores them and does not track them,
/// as `git check-ignore` decides: in a repository, `core.excludesFile`, `.git/info/exclude` and
/// the `.gitignore` files from the work tree down to each path, above the context root too;
/// outside one, the context's own `.gitignore` files (`None`: no ignore file applies).
pub(super) fn gitignore_findings(
    a: &Analysis,
    idx: &Index,
    tracked: Option<&Tracked>,
) -> Option<Vec<(u32, Finding)>> {
    let (set, prefix) = gitignore_set(a)?;
    let mut out = Vec::new();
    gitignored(&a.tree, idx, &set, &prefix, tracked, &mut out);
    Some(out)
}

/// The ignore files git reads for the context (see [`gitignore_findings`]) and the context
/// root's path relative to their work tree; `None` when no ignore file applies.
fn gitignore_set(a: &Analysis) -> Option<(GitignoreSet, Vec<u8>)> {
    let tree = &a.tree;
    let mut gitignores: Vec<(Vec<u8>, Vec<u8>)> = tree
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, n)| n.kind == Kind::File && tree.name(*i as u32) == b".gitignore")
        .map(|(i, n)| {
            let dir = if n.parent == ROOT {
                Vec::new()
            } else {
                tree.path(n.parent)
            };
            (dir, tree.path(i as u32))
        })
        .collect();
    gitignores.sort();
    // Paths in the set are relative to the work tree: the context root is `prefix`.
    let outer = super::git::outer_ignores(&a.resolved.root);
    let (prefix, mut files) = match outer {
        Some(o) => (o.prefix, o.files),
        None => (Vec::new(), Vec::new()),
    };
    for (dir, rel) in &gitignores {
        if let Some(t) = crate::walk::read_small(&a.resolved.root, rel, 1 << 20) {
            files.push((
                join_rel(&prefix, dir),
                String::from_utf8_lossy(&t).into_owned(),
            ));
        }
    }
    if files.is_empty() {
        return None;
    }
    GitignoreSet::new(files).ok().map(|set| (set, prefix))
}

/// Whether git would ignore a path (relative to the context root, existing or not; `is_dir`:
/// taken as a directory, for `dist/` lines): a source a step before the build writes (`dist/…`,
/// `build/…`). The ignore files are read once, here.
pub(crate) fn git_ignores(a: &Analysis) -> impl Fn(&str, bool) -> bool {
    let set = gitignore_set(a);
    move |path: &str, is_dir: bool| {
        set.as_ref()
            .is_some_and(|(set, prefix)| set.is_ignored(&join_rel(prefix, path.as_bytes()), is_dir))
    }
}

/// `a/b` from `a` and `b` (either may be empty).
fn join_rel(a: &[u8], b: &[u8]) -> Vec<u8> {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_vec(),
        (_, true) => a.to_vec(),
        _ => [a, b"/", b].concat(),
    }
}

/// One entry still to decide: its node, its parent's path length, whether an ancestor is
/// ignored, and how many entries of the ignore-file levels apply to it.
type Item = (u32, usize, bool, usize);

/// A share of the work: findings already made, or sibling entries (sharing a parent) whose
/// subtrees are decided together, with the parent's path and levels.
enum Part {
    Done(Vec<(u32, Finding)>),
    Task(Vec<Item>, Vec<u8>, Vec<usize>),
}

/// What deciding an entry needs.
struct Decide<'a> {
    tree: &'a Tree,
    idx: &'a Index<'a>,
    set: &'a GitignoreSet,
    tracked: Option<&'a Tracked>,
    /// Where the context-relative path starts in a path.
    off: usize,
}

impl Decide<'_> {
    /// Decides `it`, whose parent's path is `path[..it.1]` and levels `levels[..it.3]`; pushes
    /// its finding. For a directory to look into, returns what its children get: the path
    /// length, whether they are inside an ignored directory, and the number of levels.
    fn step(
        &self,
        (id, plen, inherited, nlev): Item,
        path: &mut Vec<u8>,
        levels: &mut Vec<usize>,
        out: &mut Vec<(u32, Finding)>,
    ) -> Option<(usize, bool, usize)> {
        let (tree, idx) = (self.tree, self.idx);
        path.truncate(plen);
        levels.truncate(nlev);
        if plen > 0 {
            path.push(b'/');
        }
        path.extend_from_slice(tree.name(id));
        let node = &tree.nodes[id as usize];
        if node.state != State::Sent && node.state != State::ExcludedWalked {
            return None;
        }
        let is_dir = node.kind == Kind::Dir;
        // The walk stops below ignored directories, so only this path itself needs deciding.
        let ignored = inherited || self.set.is_ignored_in(levels, path, is_dir);
        let rel = &path[self.off..];
        let has_tracked = ignored
            && self.tracked.is_some_and(|t| {
                if is_dir {
                    t.has_below(rel)
                } else {
                    t.has_file(rel)
                }
            });
        if has_tracked && !is_dir {
            return None;
        }
        if node.state == State::Sent
            && (is_dir || node.kind == Kind::File)
            && ignored
            && !has_tracked
        {
            let hit = Hit::gitignored(rkind(node.kind));
            let (f, b) = (idx.files[id as usize], idx.bytes[id as usize]);
            if f > 0 || !is_dir {
                out.push((id, finding(&hit, rel, f, b, None)));
            }
            return None;
        }
        if !is_dir {
            return None;
        }
        let len = path.len();
        if self.set.has_level(path) {
            levels.push(len);
        }
        Some((len, ignored, levels.len()))
    }

    /// Decides `items` (siblings) and everything below them, depth first.
    fn subtrees(
        &self,
        items: &[Item],
        mut path: Vec<u8>,
        mut levels: Vec<usize>,
    ) -> Vec<(u32, Finding)> {
        let mut out = Vec::new();
        let mut stack: Vec<Item> = items.iter().rev().copied().collect();
        while let Some(it) = stack.pop() {
            if let Some((len, ign, nlev)) = self.step(it, &mut path, &mut levels, &mut out) {
                for &c in self.idx.children(it.0).iter().rev() {
                    stack.push((c, len, ign, nlev));
                }
            }
        }
        out
    }
}

/// Entries git ignores. A tracked file is never ignored (git keeps tracking it whatever the
/// ignore files say); an ignored directory holding tracked files is looked into, its untracked
/// entries reported one by one.
/// `prefix`: the context root relative to the work tree the set's directories are relative to
/// (empty: the same). Directories holding more than 1/32 of the sent files are decided here,
/// their children shared out in runs of about that many files; the findings come out in
/// depth-first order all the same.
fn gitignored(
    tree: &Tree,
    idx: &Index,
    set: &GitignoreSet,
    prefix: &[u8],
    tracked: Option<&Tracked>,
    findings: &mut Vec<(u32, Finding)>,
) {
    // The context root inside an ignored directory: everything in it is ignored.
    let root_ignored = !prefix.is_empty() && set.is_ignored(prefix, true);
    // Path lengths of the directories with ignore files above the current entry (0: the top),
    // the context root's ancestors first.
    let mut levels: Vec<usize> = std::iter::once(0)
        .chain(
            prefix
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'/')
                .map(|(k, _)| k),
        )
        .chain((!prefix.is_empty()).then_some(prefix.len()))
        .filter(|&l| l == 0 || set.has_level(&prefix[..l]))
        .collect();
    let d = Decide {
        tree,
        idx,
        set,
        tracked,
        off: if prefix.is_empty() {
            0
        } else {
            prefix.len() + 1
        },
    };
    let total: u64 = idx.roots.iter().map(|&r| idx.files[r as usize]).sum();
    let limit = (total / 32).max(256);
    let big = |c: u32| tree.nodes[c as usize].kind == Kind::Dir && idx.files[c as usize] > limit;
    // (children, next child, their parent's path length, inside an ignored directory, levels)
    let mut frames: Vec<(&[u32], usize, usize, bool, usize)> =
        vec![(idx.roots, 0, prefix.len(), root_ignored, levels.len())];
    let mut path: Vec<u8> = prefix.to_vec();
    let mut parts: Vec<Part> = Vec::new();
    // Sibling entries gathered for one task, and the sent files below them.
    let mut run: (Vec<Item>, u64) = (Vec::new(), 0);
    let flush =
        |run: &mut (Vec<Item>, u64), path: &[u8], levels: &[usize], parts: &mut Vec<Part>| {
            if let Some(&(_, plen, _, nlev)) = run.0.first() {
                parts.push(Part::Task(
                    std::mem::take(&mut run.0),
                    path[..plen].to_vec(),
                    levels[..nlev].to_vec(),
                ));
            }
            run.1 = 0;
        };
    while let Some(f) = frames.last_mut() {
        let (kids, next, plen, ign, nlev) = *f;
        let Some(&c) = kids.get(next) else {
            flush(&mut run, &path, &levels, &mut parts);
            frames.pop();
            continue;
        };
        f.1 += 1;
        let item = (c, plen, ign, nlev);
        if !big(c) {
            run.0.push(item);
            run.1 += idx.files[c as usize].max(1);
            if run.1 >= limit {
                flush(&mut run, &path, &levels, &mut parts);
            }
            continue;
        }
        flush(&mut run, &path, &levels, &mut parts);
        let mut out = Vec::new();
        let below = d.step(item, &mut path, &mut levels, &mut out);
        parts.push(Part::Done(out));
        if let Some((len, ign, nlev)) = below {
            frames.push((idx.children(c), 0, len, ign, nlev));
        }
    }
    let found: Vec<Vec<(u32, Finding)>> = parts
        .into_par_iter()
        .with_max_len(1)
        .map(|p| match p {
            Part::Done(v) => v,
            Part::Task(items, path, levels) => d.subtrees(&items, path, levels),
        })
        .collect();
    findings.extend(found.into_iter().flatten());
}
