//! Each walker thread's own results, the node ids that name a thread's node before the merge,
//! and the merge into one [`Tree`].

use super::{WalkError, WalkErrorKind};
use crate::tree::{walk_order, LinkCandidate, Node, State, Tree, ROOT};

/// At most this many walker threads.
pub(crate) const MAX_THREADS: usize = 64;

/// A node id during the walk: the thread in the high bits, the index in that thread's nodes in
/// the low ones. The split depends on the thread count (one thread: 31 bits of index), and
/// every encoding is checked: an index that does not fit is an error, never a wrong parent.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ids {
    shift: u32,
}

impl Ids {
    /// The split for `threads` threads (1 ..= [`MAX_THREADS`]).
    pub(crate) fn new(threads: usize) -> Ids {
        let threads = threads.clamp(1, MAX_THREADS);
        // Bits for the largest thread number, at least one.
        let bits = (usize::BITS - (threads - 1).leading_zeros()).max(1);
        Ids { shift: 32 - bits }
    }

    /// Indices per thread: the all-ones id is [`ROOT`], so the last index is never used.
    fn limit(self) -> usize {
        (1usize << self.shift) - 1
    }

    /// The id of thread `tid`'s node `idx`, or `None` if it does not fit.
    pub(crate) fn encode(self, tid: usize, idx: usize) -> Option<u32> {
        if idx >= self.limit() || tid >= MAX_THREADS {
            return None;
        }
        let id = (u32::try_from(tid).ok()? << self.shift) | u32::try_from(idx).ok()?;
        (id != ROOT).then_some(id)
    }

    /// The thread and index of an id made by [`Ids::encode`].
    pub(crate) fn decode(self, id: u32) -> (usize, usize) {
        let mask = (1u32 << self.shift) - 1;
        ((id >> self.shift) as usize, (id & mask) as usize)
    }
}

/// One thread's results.
#[derive(Default)]
pub(crate) struct Acc {
    pub(crate) nodes: Vec<Node>,
    pub(crate) names: Vec<u8>,
    pub(crate) links: Vec<LinkCandidate>,
    /// Fingerprints of sent regular files (see [`Tree::prints`]).
    pub(crate) prints: Vec<(u32, [u32; 2])>,
    /// The excluded directory the totals belong to: (files, bytes).
    pub(crate) pruned: std::collections::HashMap<u32, (u64, u64)>,
    /// Excluded directories not opened (the walk without kept-out sizes).
    pub(crate) unmeasured: Vec<u32>,
    pub(crate) warnings: Vec<String>,
    /// The longest relative path met.
    pub(crate) longest: usize,
    pub(crate) errors: Vec<WalkError>,
    pub(crate) tar_stops: Vec<(Vec<u8>, usize)>,
    pub(crate) tar_cuts: Vec<Vec<u8>>,
    /// A bound was hit: more nodes or name bytes than ids and offsets can hold.
    pub(crate) overflow: bool,
}

impl Acc {
    /// Adds a node named `name`; its id, or `None` (and the overflow flag set) when it does
    /// not fit.
    pub(crate) fn add_node(
        &mut self,
        ids: Ids,
        tid: usize,
        mut node: Node,
        name: &[u8],
    ) -> Option<u32> {
        let id = ids.encode(tid, self.nodes.len());
        let Some(id) = id.filter(|_| crate::tree::set_name(&mut node, &mut self.names, name))
        else {
            self.overflow = true;
            return None;
        };
        self.nodes.push(node);
        Some(id)
    }
}

fn too_many() -> WalkError {
    WalkError {
        rel: Vec::new(),
        kind: WalkErrorKind::TooManyEntries,
    }
}

/// Merges the threads' results (in thread order) into one tree, or the first fatal error in
/// walk order.
pub(crate) fn merge(ids: Ids, accs: Vec<Acc>) -> Result<Tree, WalkError> {
    if accs.iter().any(|a| a.overflow) {
        return Err(too_many());
    }
    let mut errors: Vec<WalkError> = Vec::new();
    let mut stops: Vec<(Vec<u8>, usize)> = Vec::new();
    let mut cuts: Vec<Vec<u8>> = Vec::new();
    let mut tree = Tree::default();
    // Each thread's first global id; the total stays below ROOT, and the names within u32.
    let mut bases = Vec::with_capacity(accs.len());
    let mut acc = 0u32;
    let mut name_total = 0u32;
    for a in &accs {
        bases.push(acc);
        let n = u32::try_from(a.nodes.len()).map_err(|_| too_many())?;
        acc = acc
            .checked_add(n)
            .filter(|&t| t < ROOT)
            .ok_or_else(too_many)?;
        let b = u32::try_from(a.names.len()).map_err(|_| too_many())?;
        name_total = name_total.checked_add(b).ok_or_else(too_many)?;
    }
    let remap = |id: u32| -> u32 {
        if id == ROOT {
            ROOT
        } else {
            let (t, i) = ids.decode(id);
            // In range: every id was made by `encode` for a node of thread `t`.
            bases[t] + i as u32
        }
    };
    tree.nodes.reserve(acc as usize);
    tree.names.reserve(name_total as usize);
    tree.prints
        .reserve(accs.iter().map(|a| a.prints.len()).sum());
    for a in accs {
        let name_base = tree.names.len() as u32;
        tree.names.extend_from_slice(&a.names);
        for mut n in a.nodes {
            n.parent = remap(n.parent);
            n.name_off += name_base;
            tree.nodes.push(n);
        }
        for mut c in a.links {
            c.node = remap(c.node);
            tree.links.push(c);
        }
        tree.prints
            .extend(a.prints.into_iter().map(|(id, p)| (remap(id), p)));
        for (id, (f, b)) in a.pruned {
            tree.pruned.push((remap(id), f, b));
        }
        tree.unmeasured.extend(a.unmeasured.into_iter().map(remap));
        tree.warnings.extend(a.warnings);
        tree.longest = tree.longest.max(a.longest);
        errors.extend(a.errors);
        stops.extend(a.tar_stops);
        cuts.extend(a.tar_cuts);
    }
    // One total per pruned directory, whichever threads counted inside it.
    tree.pruned.sort_unstable_by_key(|p| p.0);
    tree.pruned.dedup_by(|p, kept| {
        let same = p.0 == kept.0;
        if same {
            kept.1 += p.1;
            kept.2 += p.2;
        }
        same
    });
    if let Some(first) = errors.into_iter().min_by(|a, b| walk_order(&a.rel, &b.rel)) {
        return Err(first);
    }
    tree.warnings.sort();
    tree.prints.sort_unstable_by_key(|p| p.0);
    tree.unmeasured.sort_unstable();
    tree.unmeasured.dedup();
    apply_tar_ends(&mut tree, stops, cuts);
    Ok(tree)
}

/// The classic builder's short tar streams: the first broken-pattern stop and the first file
/// it cannot open, in tar order; what comes at or after them is not sent.
fn apply_tar_ends(tree: &mut Tree, stops: Vec<(Vec<u8>, usize)>, cuts: Vec<Vec<u8>>) {
    tree.tar_stop = stops.into_iter().min_by(|a, b| walk_order(&a.0, &b.0));
    let cut = cuts.into_iter().min_by(|a, b| walk_order(a, b));
    tree.tar_cut = match (&cut, &tree.tar_stop) {
        (Some(c), Some((stop, _))) if walk_order(stop, c) == std::cmp::Ordering::Less => None,
        _ => cut,
    };
    if let Some(c) = tree.tar_cut.clone() {
        let ids: Vec<u32> = tree.sent().collect();
        for id in ids {
            if walk_order(&tree.path(id), &c) == std::cmp::Ordering::Greater {
                tree.nodes[id as usize].state = State::Skipped;
            }
        }
        tree.warnings.push(format!(
            "the classic builder cannot open {} (its directory is excluded, so its pre-flight check never saw it): docker writes its header and the rest of the context, trailer included, is lost",
            crate::render::escape(&c)
        ));
    }
    if let Some((stop, _)) = &tree.tar_stop {
        let ids: Vec<u32> = tree.sent().collect();
        for id in ids {
            if walk_order(&tree.path(id), stop) != std::cmp::Ordering::Less {
                tree.nodes[id as usize].state = State::Skipped;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Kind;

    #[test]
    fn ids_round_trip_and_stop_at_the_bound() {
        for threads in [1, 2, 3, 4, 5, 33, 63, 64] {
            let ids = Ids::new(threads);
            for tid in 0..threads {
                for idx in [0, 1, 12345, ids.limit() - 1] {
                    let id = ids.encode(tid, idx).unwrap();
                    assert_ne!(id, ROOT);
                    assert_eq!(ids.decode(id), (tid, idx), "{threads} threads");
                }
                assert_eq!(ids.encode(tid, ids.limit()), None);
            }
        }
        // One or two threads: 2^31 - 1 nodes each; 64 threads: 2^26 - 1.
        assert_eq!(Ids::new(1).limit(), (1 << 31) - 1);
        assert_eq!(Ids::new(2).limit(), (1 << 31) - 1);
        assert_eq!(Ids::new(64).limit(), (1 << 26) - 1);
        assert_eq!(Ids::new(1000).limit(), (1 << 26) - 1);
        assert_eq!(Ids::new(64).encode(64, 0), None);
    }

    #[test]
    fn an_overflowing_thread_makes_the_walk_an_error() {
        let ids = Ids::new(2);
        let mut a = Acc::default();
        let node = Node {
            parent: ROOT,
            name_off: 0,
            name_len: 0,
            kind: Kind::File,
            state: State::Sent,
            size: 0,
            hdr: 512,
        };
        assert!(a.add_node(ids, 1, node, b"x").is_some());
        let tiny = Ids { shift: 1 };
        assert!(a.add_node(tiny, 0, node, b"y").is_none());
        assert!(a.overflow);
        let e = merge(ids, vec![Acc::default(), a]).unwrap_err();
        assert!(matches!(e.kind, WalkErrorKind::TooManyEntries));
    }

    #[test]
    fn merge_remaps_parents_across_threads() {
        let ids = Ids::new(2);
        let file = |parent| Node {
            parent,
            name_off: 0,
            name_len: 0,
            kind: Kind::File,
            state: State::Sent,
            size: 1,
            hdr: 512,
        };
        let mut a0 = Acc::default();
        let mut a1 = Acc::default();
        let d = a1
            .add_node(
                ids,
                1,
                Node {
                    kind: Kind::Dir,
                    ..file(ROOT)
                },
                b"d",
            )
            .unwrap();
        a0.add_node(ids, 0, file(d), b"f").unwrap();
        let t = merge(ids, vec![a0, a1]).unwrap();
        let paths: Vec<Vec<u8>> = (0..2).map(|i| t.path(i)).collect();
        assert_eq!(paths, vec![b"d/f".to_vec(), b"d".to_vec()]);
    }
}
