//! `ctxsize hash`: a fingerprint of what the builder sends, stable across machines and
//! checkouts (no mtimes, no owners), BLAKE3 over a documented canonical stream
//! (`docs/hash.md`).
//!
//! The stream, for every entry the builder sends (`ctxsize list`), in `list` order (byte order
//! of the paths, a directory's path ending in `/`):
//!
//! ```text
//! kind (1 byte: d, f, l, p, c, b, s) | path bytes | 0x00 | mode & 0o7777 (u32 LE)
//! f: size (u64 LE) | BLAKE3 of the content (32 bytes)
//! l: target length (u64 LE) | target bytes
//! ```
//!
//! Each file's content is hashed on its own (in parallel, rayon); the stream of fixed-size
//! records is then hashed once. A per-COPY digest is the same stream restricted to the regular
//! files one COPY/ADD sends (what decides whether that COPY's layer is a cache hit).

use std::path::Path;

use rayon::prelude::*;

use crate::analysis::Analysis;
use crate::error::Error;
use crate::tree::{Kind, State};

/// The fingerprint of a context.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    /// `blake3`.
    pub algorithm: &'static str,
    /// The digest, lower-case hex.
    pub digest: String,
    /// Entries covered (files, directories, symlinks, others).
    pub entries: u64,
    /// Regular files covered.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
}

fn kind_byte(k: Kind) -> u8 {
    match k {
        Kind::Dir => b'd',
        Kind::File => b'f',
        Kind::Symlink => b'l',
        Kind::Fifo => b'p',
        Kind::CharDev => b'c',
        Kind::BlockDev => b'b',
        Kind::Socket => b's',
    }
}

/// One entry's record (everything but a file's content digest, which is appended).
struct Entry {
    id: u32,
    path: Vec<u8>,
}

fn record(root: &Path, a: &Analysis, e: &Entry) -> Result<Vec<u8>, Error> {
    let n = &a.tree.nodes[e.id as usize];
    let io = |err: std::io::Error| Error::Io(crate::sys::abs_path(root, &e.path), err);
    let at = crate::sys::EntryAt::of(root, &e.path).map_err(io)?;
    let mut r = Vec::with_capacity(e.path.len() + 48);
    r.push(kind_byte(n.kind));
    r.extend_from_slice(&e.path);
    r.push(0);
    if n.kind == Kind::File {
        // One open, the mode from the open file (fstat), the size as hashed.
        let mut h = blake3::Hasher::new();
        match at.open() {
            Ok(f) => {
                let meta = f.metadata().map_err(io)?;
                r.extend_from_slice(&crate::sys::mode_of(&meta).to_le_bytes());
                h.update_reader(f).map_err(io)?;
            }
            // A socket cannot be opened; BuildKit sends it as an empty regular file.
            Err(err) => match at.lstat() {
                Ok((mode, true)) => r.extend_from_slice(&mode.to_le_bytes()),
                _ => return Err(io(err)),
            },
        }
        r.extend_from_slice(&h.count().to_le_bytes());
        r.extend_from_slice(h.finalize().as_bytes());
        return Ok(r);
    }
    let (mode, _) = at.lstat().map_err(io)?;
    r.extend_from_slice(&mode.to_le_bytes());
    if n.kind == Kind::Symlink {
        let t = at.read_link().map_err(io)?;
        r.extend_from_slice(&(t.len() as u64).to_le_bytes());
        r.extend_from_slice(&t);
    }
    Ok(r)
}

fn digest_of(root: &Path, a: &Analysis, entries: &[Entry]) -> Result<Fingerprint, Error> {
    let records: Vec<Vec<u8>> = entries
        .par_iter()
        .map(|e| record(root, a, e))
        .collect::<Result<_, _>>()?;
    let mut h = blake3::Hasher::new();
    for r in &records {
        h.update(r);
    }
    let files: Vec<&Entry> = entries
        .iter()
        .filter(|e| a.tree.nodes[e.id as usize].kind == Kind::File)
        .collect();
    Ok(Fingerprint {
        algorithm: "blake3",
        digest: h.finalize().to_hex().to_string(),
        entries: entries.len() as u64,
        files: files.len() as u64,
        bytes: files.iter().map(|e| a.tree.nodes[e.id as usize].size).sum(),
    })
}

/// The fingerprint of everything the builder sends (the `list` set).
pub(crate) fn context(a: &Analysis) -> Result<Fingerprint, Error> {
    let mut entries = Vec::new();
    a.tree.each_listed(|id, path| {
        if a.tree.nodes[id as usize].state == State::Sent {
            let p = path.strip_suffix(b"/").unwrap_or(path);
            entries.push(Entry {
                id,
                path: p.to_vec(),
            });
        }
    });
    digest_of(&a.resolved.root, a, &entries)
}

/// The fingerprint of the regular files one COPY sends (`ids` from
/// [`crate::layers::copy_files`]), in path byte order.
pub(crate) fn files(a: &Analysis, ids: &[u32]) -> Result<Fingerprint, Error> {
    let mut entries: Vec<Entry> = ids
        .iter()
        .map(|&id| Entry {
            id,
            path: a.tree.path(id),
        })
        .collect();
    entries.sort_by(|x, y| x.path.cmp(&y.path));
    digest_of(&a.resolved.root, a, &entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::Builder;

    fn fp(dir: &Path, builder: Builder) -> Fingerprint {
        let a = crate::analysis::analyze(&crate::testutil::config(dir, builder, 2)).unwrap();
        context(&a).unwrap()
    }

    fn tree(junk: &str) -> tempfile::TempDir {
        let d = crate::testutil::ctx(
            &["Dockerfile", "src/a.rs", "src/b.rs", "logs/"],
            "logs\n*.tmp\n",
            b"fn main() {}\n",
        );
        std::fs::write(d.path().join("logs/run.log"), junk).unwrap();
        std::fs::write(d.path().join("x.tmp"), junk).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("src/a.rs", d.path().join("link")).unwrap();
        d
    }

    #[test]
    fn equal_for_copies_with_other_mtimes_and_other_junk() {
        let one = tree("junk one");
        let two = tree("other junk, longer");
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        let f = std::fs::File::options()
            .write(true)
            .open(two.path().join("src/a.rs"))
            .unwrap();
        f.set_modified(old).unwrap();
        for b in [Builder::Buildkit, Builder::Classic] {
            let (x, y) = (fp(one.path(), b), fp(two.path(), b));
            assert_eq!(x, y, "{b:?}");
            assert_eq!(x.files, 4, "Dockerfile, .dockerignore, src/a.rs, src/b.rs");
        }
    }

    #[test]
    fn one_byte_in_a_sent_file_changes_it_an_excluded_file_does_not() {
        let d = tree("junk");
        let before = fp(d.path(), Builder::Buildkit);
        std::fs::write(d.path().join("logs/run.log"), "changed").unwrap();
        std::fs::write(d.path().join("x.tmp"), "changed too").unwrap();
        assert_eq!(fp(d.path(), Builder::Buildkit), before);
        std::fs::write(d.path().join("src/b.rs"), b"fn main() {}\r").unwrap();
        let after = fp(d.path(), Builder::Buildkit);
        assert_ne!(after.digest, before.digest);
        assert_eq!(after.bytes, before.bytes, "same size, one byte differs");
    }

    #[cfg(unix)]
    #[test]
    fn mode_and_link_target_are_covered() {
        use std::os::unix::fs::PermissionsExt;
        let d = tree("junk");
        let before = fp(d.path(), Builder::Buildkit);
        let p = d.path().join("src/a.rs");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        let exec = fp(d.path(), Builder::Buildkit);
        assert_ne!(exec.digest, before.digest);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(
            d.path().join("src/b.rs"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        let base = fp(d.path(), Builder::Buildkit);
        std::fs::remove_file(d.path().join("link")).unwrap();
        std::os::unix::fs::symlink("src/b.rs", d.path().join("link")).unwrap();
        assert_ne!(fp(d.path(), Builder::Buildkit).digest, base.digest);
    }

    #[cfg(unix)]
    #[test]
    fn a_socket_and_a_fifo_are_hashed_not_opened() {
        let d = tree("junk");
        let before = fp(d.path(), Builder::Buildkit);
        let _sock = std::os::unix::net::UnixListener::bind(d.path().join("sock")).unwrap();
        assert!(std::process::Command::new("mkfifo")
            .arg(d.path().join("fifo"))
            .status()
            .unwrap()
            .success());
        // BuildKit sends the socket as an empty regular file: one more file, no more bytes.
        let after = fp(d.path(), Builder::Buildkit);
        assert_eq!(after.files, before.files + 1);
        assert_eq!(after.bytes, before.bytes);
        assert_ne!(after.digest, before.digest);
        // The classic builder skips the socket; the fifo is a header only.
        let classic = fp(d.path(), Builder::Classic);
        assert_eq!(classic.files, before.files);
    }
}
