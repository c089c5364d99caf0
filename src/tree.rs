//! What the walk produces: a compact tree of every entry it saw, sent or not.

/// The parent id of top-level entries.
pub(crate) const ROOT: u32 = u32::MAX;

/// What an entry is on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link (never followed).
    Symlink,
    /// A named pipe.
    Fifo,
    /// A character device.
    CharDev,
    /// A block device.
    BlockDev,
    /// A unix socket.
    Socket,
}

/// Whether an entry goes into the context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Sent.
    Sent,
    /// Kept out by the ignore file. For a directory that was not walked, its subtree's totals
    /// are in [`Tree::pruned`].
    Excluded,
    /// A directory excluded by the patterns but walked into because an exception may reach
    /// inside; its own entry is not sent (classic), or sent only if something below is (BuildKit).
    ExcludedWalked,
    /// Skipped although not excluded (a socket under the classic builder).
    Skipped,
}

/// One entry.
#[derive(Clone, Copy, Debug)]
pub struct Node {
    /// Parent directory's node id, or `ROOT`.
    pub parent: u32,
    /// Offset of the name in [`Tree::names`].
    pub name_off: u32,
    /// Length of the name, or `LONG_NAME`: then the length is stored as 4 little-endian bytes
    /// in [`Tree::names`] right before the name (names longer than 255 bytes exist on no common
    /// file system, but nothing is ever cut short). Set through `set_name`.
    pub name_len: u16,
    /// The kind.
    pub kind: Kind,
    /// Sent or not.
    pub state: State,
    /// Apparent size in bytes (regular files; 0 otherwise).
    pub size: u64,
    /// Classic tar header bytes for this entry as a non-hardlink (512 + PAX).
    pub hdr: u32,
}

/// The [`Node::name_len`] of a name whose length is stored in front of it.
pub(crate) const LONG_NAME: u16 = u16::MAX;

/// Appends `name` to `names` for `node` (offset and length); `false`, with nothing changed, when
/// the name would end past the `u32` offsets.
pub(crate) fn set_name(node: &mut Node, names: &mut Vec<u8>, name: &[u8]) -> bool {
    let short = u16::try_from(name.len()).ok().filter(|&l| l != LONG_NAME);
    let head = if short.is_some() { 0 } else { 4 };
    let (Ok(off), Ok(len)) = (u32::try_from(names.len() + head), u32::try_from(name.len())) else {
        return false;
    };
    if off.checked_add(len).is_none() {
        return false;
    }
    match short {
        Some(l) => node.name_len = l,
        None => {
            names.extend_from_slice(&len.to_le_bytes());
            node.name_len = LONG_NAME;
        }
    }
    node.name_off = off;
    names.extend_from_slice(name);
    true
}

/// A non-directory with more than one link (hardlink detection, R21).
#[derive(Clone, Copy, Debug)]
pub struct LinkCandidate {
    /// The node.
    pub node: u32,
    /// Inode number (docker keys on the inode alone).
    pub ino: u64,
    /// Modification time in seconds (for the hardlink entry's own header).
    pub mtime: i64,
}

/// The children of every node, as ranges of one array (built once, on first use).
#[derive(Debug, Default, Clone)]
pub struct Children {
    start: Vec<u32>,
    kids: Vec<u32>,
    roots: Vec<u32>,
}

impl Children {
    fn new(nodes: &[Node]) -> Children {
        let n = nodes.len();
        let mut start = vec![0u32; n + 1];
        let mut roots = Vec::new();
        for (i, node) in nodes.iter().enumerate() {
            if node.parent == ROOT {
                roots.push(i as u32);
            } else {
                start[node.parent as usize + 1] += 1;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut kids = vec![0u32; start[n] as usize];
        for (i, node) in nodes.iter().enumerate() {
            if node.parent != ROOT {
                let p = node.parent as usize;
                kids[fill[p] as usize] = i as u32;
                fill[p] += 1;
            }
        }
        Children { start, kids, roots }
    }

    /// The children of `id` ([`ROOT`]: the top-level entries), in node order.
    pub(crate) fn of(&self, id: u32) -> &[u32] {
        if id == ROOT {
            return &self.roots;
        }
        let i = id as usize;
        &self.kids[self.start[i] as usize..self.start[i + 1] as usize]
    }
}

/// The whole walk result.
#[derive(Debug, Default, Clone)]
pub struct Tree {
    /// Every entry seen (entries below a pruned directory are summarised, not listed).
    pub nodes: Vec<Node>,
    /// Name bytes.
    pub names: Vec<u8>,
    /// Hardlink candidates among the nodes.
    pub links: Vec<LinkCandidate>,
    /// Sent regular files' change fingerprints (inode, size, modification and change times),
    /// by node id, sorted; files changed in the last seconds before the walk have none. The
    /// content scan's cache keys on them.
    pub prints: Vec<(u32, [u32; 2])>,
    /// Totals of pruned (not walked in detail) excluded directories: (node, files, bytes), one
    /// entry per node, sorted by node.
    pub pruned: Vec<(u32, u64, u64)>,
    /// Excluded directories the walk did not open because their sizes were not asked for
    /// (`crate::walk::WalkPlan::excluded_sizes`), sorted. Nothing below them is listed or
    /// counted; a node here may also appear in [`Tree::pruned`] with what was counted around it.
    pub unmeasured: Vec<u32>,
    /// Warnings docker would log without failing (sockets skipped, unreadable entries).
    pub warnings: Vec<String>,
    /// The longest relative path the walk met, in bytes.
    pub longest: usize,
    /// Classic builder: the first entry (in tar order) on which a broken pattern was evaluated
    /// during the tar walk, and the pattern's index. The CLI logs "Error matching", ends the
    /// tar before that entry and still builds; nothing after it is sent.
    pub tar_stop: Option<(Vec<u8>, usize)>,
    /// Classic builder: a sent file the CLI cannot open; the stream ends after its header.
    pub tar_cut: Option<Vec<u8>>,
    /// The children index, built on first use (the tree's shape is fixed after the walk).
    pub children_index: std::sync::OnceLock<Children>,
}

impl Tree {
    /// The name of a node.
    pub(crate) fn name(&self, id: u32) -> &[u8] {
        let n = &self.nodes[id as usize];
        let off = n.name_off as usize;
        let len = if n.name_len == LONG_NAME {
            let b = &self.names[off - 4..off];
            u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
        } else {
            usize::from(n.name_len)
        };
        &self.names[off..off + len]
    }

    /// Writes the relative path of a node (no trailing `/`) into `out`, replacing what it held;
    /// allocates only when `out` is too small.
    pub(crate) fn path_into(&self, id: u32, out: &mut Vec<u8>) {
        let mut len = 0usize;
        let mut cur = id;
        while cur != ROOT {
            len += self.name(cur).len() + 1;
            cur = self.nodes[cur as usize].parent;
        }
        out.clear();
        out.resize(len.saturating_sub(1), b'/');
        let mut end = out.len();
        let mut cur = id;
        while cur != ROOT {
            let name = self.name(cur);
            out[end - name.len()..end].copy_from_slice(name);
            end = (end - name.len()).saturating_sub(1);
            cur = self.nodes[cur as usize].parent;
        }
    }

    /// The relative path of a node (no trailing `/`).
    pub fn path(&self, id: u32) -> Vec<u8> {
        let mut out = Vec::new();
        self.path_into(id, &mut out);
        out
    }

    /// The node at a `/`-separated relative path, if the walk listed it (the root for `""`
    /// is not returned: every path names an entry below it).
    pub(crate) fn find(&self, path: &[u8]) -> Option<u32> {
        let mut cur = ROOT;
        for comp in path.split(|&b| b == b'/') {
            cur = self
                .children()
                .of(cur)
                .iter()
                .copied()
                .find(|&c| self.name(c) == comp)?;
        }
        Some(cur)
    }

    /// The change fingerprint of a sent regular file (see [`Tree::prints`]).
    pub(crate) fn print(&self, id: u32) -> Option<u64> {
        let i = self.prints.binary_search_by_key(&id, |p| p.0).ok()?;
        let [hi, lo] = self.prints[i].1;
        Some(u64::from(hi) << 32 | u64::from(lo))
    }

    /// The path as `list` prints it: directories end in `/`.
    pub fn list_path(&self, id: u32) -> Vec<u8> {
        let mut p = self.path(id);
        if self.nodes[id as usize].kind == Kind::Dir {
            p.push(b'/');
        }
        p
    }

    /// The children of every node.
    pub(crate) fn children(&self) -> &Children {
        self.children_index
            .get_or_init(|| Children::new(&self.nodes))
    }

    /// The children of every node, each directory's sorted by name (tar walk order).
    pub(crate) fn children_by_name(&self) -> Children {
        let mut c = self.children().clone();
        let by_name = |a: &u32, b: &u32| self.name(*a).cmp(self.name(*b));
        c.roots.sort_by(by_name);
        for w in 0..self.nodes.len() {
            let (s, e) = (c.start[w] as usize, c.start[w + 1] as usize);
            c.kids[s..e].sort_by(by_name);
        }
        c
    }

    /// Calls `f(id, path)` for `start` and every node below it, in tar walk order (children by
    /// name); `prefix` is the path of `start`'s parent. With `start` = [`ROOT`], every node.
    pub(crate) fn each_below(&self, start: u32, prefix: &[u8], f: impl FnMut(u32, &[u8])) {
        self.depth_first(start, prefix, false, f);
    }

    /// Calls `f(id, path)` for every node, a directory's path ending in `/`, in the byte order of
    /// those paths — `list` order. A depth-first walk gives it when siblings are ordered by name
    /// plus a directory's `/`: every path below `d` starts with `d/`, and no name holds a `/`.
    pub(crate) fn each_listed(&self, f: impl FnMut(u32, &[u8])) {
        self.depth_first(ROOT, b"", true, f);
    }

    /// The walk behind [`Tree::each_below`] (`slash` false) and [`Tree::each_listed`] (true).
    fn depth_first(&self, start: u32, prefix: &[u8], slash: bool, mut f: impl FnMut(u32, &[u8])) {
        let kids = self.children();
        let is_dir = |id: u32| self.nodes[id as usize].kind == Kind::Dir;
        let key = |id: u32| {
            let tail: &[u8] = if slash && is_dir(id) { b"/" } else { b"" };
            self.name(id).iter().chain(tail)
        };
        let mut path = prefix.to_vec();
        // (node, parent path length); each directory's children go on in reverse order.
        let mut stack: Vec<(u32, usize)> = Vec::new();
        let mut sorted: Vec<u32> = Vec::new();
        let mut push_kids = |stack: &mut Vec<(u32, usize)>, id: u32, len: usize| {
            sorted.clear();
            sorted.extend_from_slice(kids.of(id));
            sorted.sort_unstable_by(|&a, &b| key(b).cmp(key(a)));
            stack.extend(sorted.iter().map(|&k| (k, len)));
        };
        if start == ROOT {
            push_kids(&mut stack, ROOT, path.len());
        } else {
            stack.push((start, path.len()));
        }
        while let Some((id, plen)) = stack.pop() {
            path.truncate(plen);
            if plen > 0 && !slash {
                path.push(b'/');
            }
            path.extend_from_slice(self.name(id));
            if slash && is_dir(id) {
                path.push(b'/');
            }
            f(id, &path);
            if is_dir(id) {
                push_kids(&mut stack, id, path.len());
            }
        }
    }

    /// Ids of sent nodes.
    pub fn sent(&self) -> impl Iterator<Item = u32> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.state == State::Sent)
            .map(|(i, _)| i as u32)
    }
}

/// Compares two paths in tar walk order (each directory's entries sorted by name, a directory's
/// subtree right after it): component-wise byte order.
pub fn walk_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.split(|&c| c == b'/').cmp(b.split(|&c| c == b'/'))
}

/// A fingerprint as two `u32`s (12-byte entries in [`Tree::prints`], no padding).
pub(crate) fn split_print(fp: u64) -> [u32; 2] {
    [(fp >> 32) as u32, fp as u32]
}

/// How many seconds a file's times must lie in the past for its fingerprint to be trusted.
pub(crate) const SETTLE_SECS: i64 = 2;

/// Now, minus [`SETTLE_SECS`]: files changed at or after this get no fingerprint.
pub(crate) fn settled_before() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        - SETTLE_SECS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node() -> Node {
        Node {
            parent: ROOT,
            name_off: 0,
            name_len: 0,
            kind: Kind::File,
            state: State::Sent,
            size: 0,
            hdr: 0,
        }
    }

    #[test]
    fn path_into_matches_path() {
        let mut t = Tree::default();
        for (parent, name) in [
            (ROOT, &b"a"[..]),
            (0, b"bc"),
            (1, b""),
            (2, b"d"),
            (ROOT, b"e"),
        ] {
            let mut n = node();
            n.parent = parent;
            assert!(set_name(&mut n, &mut t.names, name));
            t.nodes.push(n);
        }
        let mut buf = b"left over".to_vec();
        for id in 0..5 {
            t.path_into(id, &mut buf);
            assert_eq!(buf, t.path(id));
        }
        t.path_into(3, &mut buf);
        assert_eq!(buf, b"a/bc//d");
    }

    #[test]
    fn nodes_are_24_bytes() {
        assert_eq!(std::mem::size_of::<Node>(), 24);
    }

    #[test]
    fn names_of_any_length_are_kept_whole() {
        let mut t = Tree::default();
        let long = vec![b'x'; 70_000];
        let edge = vec![b'y'; usize::from(LONG_NAME)];
        for name in [&b"a"[..], &long, b"", &edge, b"b"] {
            let mut n = node();
            assert!(set_name(&mut n, &mut t.names, name));
            t.nodes.push(n);
        }
        assert_eq!(t.name(0), b"a");
        assert_eq!(t.name(1), &long[..]);
        assert_eq!(t.nodes[1].name_len, LONG_NAME);
        assert_eq!(t.name(2), b"");
        assert_eq!(t.name(3), &edge[..]);
        assert_eq!(t.nodes[3].name_len, LONG_NAME);
        assert_eq!(t.name(4), b"b");
    }
}
