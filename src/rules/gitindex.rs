//! The paths git tracks, read from a repository's index file (`.git/index`, versions 2, 3 and
//! 4, SHA-1 or SHA-256).
//!
//! Why a parser of our own: the format is small and stable (a header, fixed-size entry fields, a
//! path per entry, prefix-compressed in version 4), the check needs only the paths, and the
//! alternatives cost more than they give: `gix-index` pulls in a few dozen crates, and spawning
//! `git ls-files -z` needs git installed and costs a process start (about 2 ms, plus 40 ms per
//! 100k paths to print and parse, measured here) where parsing the index directly takes about
//! 5 ms per 100k entries. A split index (`link` extension), whose entries live in a second file,
//! is reported as [`IndexError::Split`] so that the caller can fall back to `git ls-files`.
//!
//! Pure: bytes in, paths out.

/// Why an index could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum IndexError {
    /// Not an index file, or cut short.
    #[error("not a git index file ({0})")]
    Malformed(&'static str),
    /// A version this parser does not know.
    #[error("git index version {0} is not supported")]
    Version(u32),
    /// A split index: the entries are spread over a shared index file.
    #[error("a split git index")]
    Split,
}

/// What the index tracks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Tracked {
    /// Tracked file (and submodule) paths, relative to the repository root, sorted by bytes,
    /// without duplicates.
    pub paths: Vec<Vec<u8>>,
    /// Directories a sparse index records as one entry (everything below them is tracked).
    pub sparse_dirs: Vec<Vec<u8>>,
}

fn be32(b: &[u8], at: usize) -> Result<u32, IndexError> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or(IndexError::Malformed("truncated"))
}

/// git's offset encoding (`varint.c`): 7 bits per byte, each continuation adds one.
fn varint(b: &[u8], pos: &mut usize) -> Result<usize, IndexError> {
    let mut c = *b.get(*pos).ok_or(IndexError::Malformed("truncated"))?;
    *pos += 1;
    let mut v = usize::from(c & 0x7f);
    while c & 0x80 != 0 {
        c = *b.get(*pos).ok_or(IndexError::Malformed("truncated"))?;
        *pos += 1;
        v = v
            .checked_add(1)
            .and_then(|v| v.checked_mul(128))
            .ok_or(IndexError::Malformed("varint overflow"))?
            | usize::from(c & 0x7f);
    }
    Ok(v)
}

/// The first bytes of every index file.
pub(crate) const SIGNATURE: &[u8; 4] = b"DIRC";

/// Parses an index file. `hash_len` is 20 (SHA-1) or 32 (SHA-256 repositories).
pub(crate) fn parse(b: &[u8], hash_len: usize) -> Result<Tracked, IndexError> {
    if b.len() < 12 || &b[..4] != SIGNATURE {
        return Err(IndexError::Malformed("no DIRC signature"));
    }
    let version = be32(b, 4)?;
    if !(2..=4).contains(&version) {
        return Err(IndexError::Version(version));
    }
    let count = be32(b, 8)? as usize;
    let mut out = Tracked::default();
    let mut pos = 12usize;
    let mut prev: Vec<u8> = Vec::new();
    // ctime, mtime (8 each), dev, ino, mode, uid, gid, size (4 each), the object id, flags.
    let fixed = 40 + hash_len + 2;
    for _ in 0..count {
        let start = pos;
        let head = b
            .get(pos..pos + fixed)
            .ok_or(IndexError::Malformed("truncated entry"))?;
        let mode = u32::from_be_bytes([head[24], head[25], head[26], head[27]]);
        let flags = u16::from_be_bytes([head[fixed - 2], head[fixed - 1]]);
        pos += fixed;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return Err(IndexError::Malformed("extended flags in a version 2 index"));
            }
            pos += 2;
        }
        let name: Vec<u8> = if version == 4 {
            let strip = varint(b, &mut pos)?;
            if strip > prev.len() {
                return Err(IndexError::Malformed("bad prefix length"));
            }
            let rest = b.get(pos..).ok_or(IndexError::Malformed("truncated"))?;
            let nul = memchr::memchr(0, rest).ok_or(IndexError::Malformed("unterminated path"))?;
            let mut n = prev[..prev.len() - strip].to_vec();
            n.extend_from_slice(&rest[..nul]);
            pos += nul + 1;
            n
        } else {
            let rest = b.get(pos..).ok_or(IndexError::Malformed("truncated"))?;
            let nul = memchr::memchr(0, rest).ok_or(IndexError::Malformed("unterminated path"))?;
            let n = rest[..nul].to_vec();
            // Padded with 1 to 8 NULs to a multiple of 8 bytes.
            let len = pos + nul - start;
            pos = start + (len + 8) / 8 * 8;
            n
        };
        if pos > b.len() {
            return Err(IndexError::Malformed("truncated entry"));
        }
        if mode & 0o170000 == 0o040000 {
            // A sparse-directory entry: `dir/`.
            let d = name.strip_suffix(b"/").unwrap_or(&name).to_vec();
            out.sparse_dirs.push(d);
        } else if out.paths.last() != Some(&name) {
            // Conflict stages repeat a path.
            out.paths.push(name.clone());
        }
        prev = name;
    }
    // Extensions: 4-byte signature, 4-byte size, data; the trailing checksum ends the file.
    while pos + 8 + hash_len <= b.len() {
        let sig = &b[pos..pos + 4];
        let size = be32(b, pos + 4)? as usize;
        if sig == b"link" {
            return Err(IndexError::Split);
        }
        pos = pos
            .checked_add(8 + size)
            .ok_or(IndexError::Malformed("bad extension size"))?;
    }
    out.paths.sort_unstable();
    out.paths.dedup();
    out.sparse_dirs.sort_unstable();
    Ok(out)
}

impl Tracked {
    /// Keeps what lies below `prefix` (a directory relative to the repository root, `""`: all)
    /// and makes it relative to that directory.
    pub(crate) fn below(self, prefix: &[u8]) -> Tracked {
        if prefix.is_empty() {
            return self;
        }
        let mut p = prefix.to_vec();
        p.push(b'/');
        let cut = |v: Vec<Vec<u8>>| -> Vec<Vec<u8>> {
            v.into_iter()
                .filter_map(|x| x.strip_prefix(&p[..]).map(<[u8]>::to_vec))
                .collect()
        };
        // A sparse directory above the prefix tracks everything in it.
        let above = self
            .sparse_dirs
            .iter()
            .any(|d| prefix == &d[..] || prefix.starts_with(&[&d[..], b"/"].concat()));
        let mut sparse_dirs = cut(self.sparse_dirs);
        if above {
            sparse_dirs.push(Vec::new());
        }
        Tracked {
            paths: cut(self.paths),
            sparse_dirs,
        }
    }

    /// Whether git tracks the file `path`.
    pub(crate) fn has_file(&self, path: &[u8]) -> bool {
        self.paths
            .binary_search_by(|p| p.as_slice().cmp(path))
            .is_ok()
            || self.in_sparse(path)
    }

    /// Whether git tracks anything at or below `dir`.
    pub(crate) fn has_below(&self, dir: &[u8]) -> bool {
        if dir.is_empty() {
            return !self.paths.is_empty() || !self.sparse_dirs.is_empty();
        }
        let mut d = dir.to_vec();
        d.push(b'/');
        let i = self.paths.partition_point(|p| p.as_slice() < &d[..]);
        self.paths.get(i).is_some_and(|p| p.starts_with(&d))
            || self.has_file(dir)
            || self.in_sparse(dir)
            || self.sparse_dirs.iter().any(|s| s.starts_with(&d))
    }

    fn in_sparse(&self, path: &[u8]) -> bool {
        self.sparse_dirs.iter().any(|d| {
            d.is_empty()
                || (path.len() > d.len() && path.starts_with(d) && path[d.len()] == b'/')
                || path == &d[..]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index as git writes it (version 2/3 padded entries, version 4 prefix-compressed).
    fn index(version: u32, names: &[&str], hash_len: usize) -> Vec<u8> {
        let mut b = b"DIRC".to_vec();
        b.extend_from_slice(&version.to_be_bytes());
        b.extend_from_slice(&(names.len() as u32).to_be_bytes());
        let mut prev: &str = "";
        for n in names {
            let start = b.len();
            b.extend_from_slice(&[0u8; 24]);
            let mode: u32 = if n.ends_with('/') { 0o040000 } else { 0o100644 };
            b.extend_from_slice(&mode.to_be_bytes());
            b.extend_from_slice(&[0u8; 12]);
            b.extend(std::iter::repeat_n(0xabu8, hash_len));
            let flags = n.len().min(0xfff) as u16;
            b.extend_from_slice(&flags.to_be_bytes());
            if version == 4 {
                let common = prev
                    .bytes()
                    .zip(n.bytes())
                    .take_while(|(a, c)| a == c)
                    .count();
                let strip = prev.len() - common;
                assert!(strip < 128);
                b.push(strip as u8);
                b.extend_from_slice(&n.as_bytes()[common..]);
                b.push(0);
            } else {
                b.extend_from_slice(n.as_bytes());
                let len = b.len() - start;
                let padded = (len + 8) / 8 * 8;
                b.resize(start + padded, 0);
            }
            prev = n;
        }
        // An unknown extension, then the checksum.
        b.extend_from_slice(b"TREE");
        b.extend_from_slice(&3u32.to_be_bytes());
        b.extend_from_slice(b"abc");
        b.extend(std::iter::repeat_n(0u8, hash_len));
        b
    }

    #[test]
    fn versions_and_hashes() {
        let names = ["a/b.txt", "a/bc/d", "build/tpl.yaml", "z"];
        for v in [2, 3, 4] {
            for h in [20, 32] {
                let t = parse(&index(v, &names, h), h).unwrap();
                assert_eq!(t.paths.len(), 4, "v{v} h{h}");
                assert_eq!(t.paths[1], b"a/bc/d", "v{v} h{h}");
                assert!(t.has_below(b"build"));
                assert!(t.has_below(b"a/bc"));
                assert!(!t.has_below(b"a/b"));
                assert!(t.has_file(b"a/b.txt"));
                assert!(!t.has_file(b"a"));
            }
        }
    }

    #[test]
    fn sparse_split_and_prefix() {
        let t = parse(&index(3, &["docs/", "src/a.rs"], 20), 20).unwrap();
        assert!(t.has_file(b"docs/x/y.md"));
        let sub = t.clone().below(b"docs/x");
        assert!(sub.has_file(b"y.md"));
        let src = t.below(b"src");
        assert_eq!(src.paths, [b"a.rs".to_vec()]);
        assert!(!src.has_file(b"docs/x"));

        let mut split = index(2, &["a"], 20);
        let cut = split.len() - 20 - 11;
        split.truncate(cut);
        split.extend_from_slice(b"link");
        split.extend_from_slice(&20u32.to_be_bytes());
        split.extend_from_slice(&[0u8; 20]);
        split.extend_from_slice(&[0u8; 20]);
        assert_eq!(parse(&split, 20), Err(IndexError::Split));

        assert!(parse(b"DIRC", 20).is_err());
        assert!(parse(b"", 20).is_err());
        let mut bad = index(2, &["abc"], 20);
        bad.truncate(30);
        assert!(parse(&bad, 20).is_err());
        let mut v5 = index(2, &["abc"], 20);
        v5[7] = 5;
        assert_eq!(parse(&v5, 20), Err(IndexError::Version(5)));
    }
}
