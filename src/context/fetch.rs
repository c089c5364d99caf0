//! BuildKit's local sources with followpaths (spec B12–B14): the Dockerfile, its ignore file and
//! the context's `.dockerignore` are not read on the host but fetched from the client and read
//! inside what was transferred.
//!
//! - The Dockerfile frontend (`moby/buildkit frontend/dockerui/config.go`) asks for the
//!   Dockerfile's directory with the followpaths `[NAME, NAME.dockerignore]` (plus `dockerfile`
//!   when NAME is `Dockerfile`), and for the context's `.dockerignore` with `[.dockerignore]`.
//!   The lists travel through JSON and gRPC headers (`dockerignore::through_json`,
//!   `dockerignore::header_rejects`).
//! - The client (`tonistiigi/fsutil filter.go`, `followlinks.go`) resolves symlinks among the
//!   followpaths *inside the directory* ([`follow_links`]: an absolute link target is taken
//!   from the directory, `..` stops there) and compiles the result as **include patterns** with
//!   patternmatcher (`[x]` is a class, `\` an escape, `*`/`?` wildcards, spaces trimmed). Only
//!   what those patterns include is transferred.
//! - The frontend then reads the file from the transferred snapshot, following symlinks scoped
//!   to it (`containerd/continuity fs.RootPath`): [`Local::read`].
//!
//! The walk over the main context applies the same [`follow_links`] to the COPY/ADD sources
//! (`transfer.rs`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::dockerignore::{self, PatternError, PatternSet};
use crate::sys::bytes_to_path;

/// Most symlinks one read follows before giving up (continuity's limit).
const MAX_LINKS: usize = 255;

/// Go's `filepath.Join(a, b)` on `/`-separated bytes.
fn join(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut s = a.to_vec();
    if !a.is_empty() && !b.is_empty() {
        s.push(b'/');
    }
    s.extend_from_slice(b);
    if s.is_empty() {
        return Vec::new();
    }
    dockerignore::clean(&s)
}

/// Go's `filepath.Dir` on `/`-separated bytes.
fn dir_of(p: &[u8]) -> Vec<u8> {
    match p.iter().rposition(|&b| b == b'/') {
        Some(i) => dockerignore::clean(&p[..i.max(1)]),
        None => b".".to_vec(),
    }
}

/// Go's `filepath.Base`.
fn base_of(p: &[u8]) -> &[u8] {
    let p = p.strip_suffix(b"/").unwrap_or(p);
    match p.iter().rposition(|&b| b == b'/') {
        Some(i) => &p[i + 1..],
        None => p,
    }
}

/// fsutil's `containsWildcards`: an unescaped `*`, `?` or `[`.
fn contains_wildcards(name: &[u8]) -> bool {
    let mut i = 0;
    while i < name.len() {
        match name[i] {
            b'\\' => i += 1,
            b'*' | b'?' | b'[' => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

fn host(dir: &Path, rel: &[u8]) -> PathBuf {
    if rel.is_empty() || rel == b"." {
        return dir.to_path_buf();
    }
    dir.join(bytes_to_path(rel))
}

fn not_found(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::NotFound || e.raw_os_error() == Some(20) // ENOTDIR
}

struct Resolver<'a> {
    dir: &'a Path,
    resolved: BTreeSet<Vec<u8>>,
    calls: usize,
}

impl Resolver<'_> {
    fn append(&mut self, p: &[u8]) -> std::io::Result<()> {
        self.calls += 1;
        if self.calls > 100_000 {
            return Err(std::io::Error::other("too many symlinks"));
        }
        let mut p = join(b".", p);
        let mut current = b".".to_vec();
        loop {
            let (first, rest) = match p.iter().position(|&b| b == b'/') {
                Some(i) => (p[..i].to_vec(), p[i + 1..].to_vec()),
                None => (p.clone(), Vec::new()),
            };
            current = join(&current, &first);
            let targets = self.read_symlink(&current, true)?;
            p = rest;
            if (p.is_empty() || targets.is_some()) && self.resolved.contains(&current) {
                return Ok(());
            }
            if let Some(targets) = targets {
                self.resolved.insert(current.clone());
                for t in targets {
                    self.append(&join(&t, &p))?;
                }
                return Ok(());
            }
            if p.is_empty() {
                self.resolved.insert(current);
                return Ok(());
            }
        }
    }

    /// fsutil's `readSymlink`: the link's target as a path from the directory's root, `None`
    /// when `p` is not a symlink (or does not exist); with a wildcard in the last component,
    /// the targets of every matching symlink.
    fn read_symlink(&self, p: &[u8], wildcard: bool) -> std::io::Result<Option<Vec<Vec<u8>>>> {
        let base = base_of(p);
        if wildcard && contains_wildcards(base) {
            let parent = dir_of(p);
            let rd = match std::fs::read_dir(host(self.dir, &parent)) {
                Ok(rd) => rd,
                Err(e) if not_found(&e) => return Ok(None),
                Err(e) => return Err(e),
            };
            let mut out: Option<Vec<Vec<u8>>> = None;
            let mut names: Vec<Vec<u8>> = rd
                .filter_map(|e| e.ok())
                .map(|e| crate::sys::os_bytes(&e.file_name()).into_owned())
                .collect();
            names.sort();
            for name in names {
                if dockerignore::go_match(base, &name) == Ok(true) {
                    if let Some(t) = self.read_symlink(&join(&parent, &name), false)? {
                        out.get_or_insert_with(Vec::new).extend(t);
                    }
                }
            }
            return Ok(out);
        }
        if p == b"." || p == b"/" || p.is_empty() {
            return Ok(None);
        }
        let full = host(self.dir, p);
        match std::fs::symlink_metadata(&full) {
            Err(e) if not_found(&e) => Ok(None),
            Err(e) => Err(e),
            Ok(md) if !md.file_type().is_symlink() => Ok(None),
            Ok(_) => {
                let link = std::fs::read_link(&full)?;
                let link = dockerignore::clean(&crate::sys::os_bytes(link.as_os_str()));
                if link.first() == Some(&b'/') {
                    return Ok(Some(vec![link]));
                }
                Ok(Some(vec![join(b"/", &join(&dir_of(p), &link))]))
            }
        }
    }
}

/// fsutil's `FollowLinks` on the directory `dir`: the followpaths plus every symlink target
/// they lead to, as paths from the directory's root, sorted and with paths below another one
/// dropped. `None` when the set holds the root itself (no filter: everything is transferred).
pub(crate) fn follow_links(dir: &Path, paths: &[Vec<u8>]) -> std::io::Result<Option<Vec<Vec<u8>>>> {
    let mut r = Resolver {
        dir,
        resolved: BTreeSet::new(),
        calls: 0,
    };
    for p in paths {
        r.append(p)?;
    }
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut last: Vec<u8> = Vec::new();
    for s in r.resolved {
        if s == b"." {
            return Ok(None);
        }
        let mut pre = last.clone();
        pre.push(b'/');
        if s.starts_with(&pre) {
            continue;
        }
        last = s.clone();
        out.push(s);
    }
    Ok(Some(out))
}

/// The include patterns as fsutil compiles them (`patternmatcher.New`).
pub(crate) fn include_set(patterns: &[Vec<u8>]) -> Result<PatternSet, PatternError> {
    let raw: Vec<dockerignore::RawLine> = patterns
        .iter()
        .map(|p| (0usize, p.clone(), p.clone()))
        .collect();
    Ok(PatternSet::new(dockerignore::to_pattern_list(&raw)?))
}

/// What a local source with followpaths received: the directory, filtered by the include
/// patterns (`None`: everything).
pub(crate) struct Local<'a> {
    /// The directory on the host.
    pub dir: &'a Path,
    /// The include patterns, if any.
    pub include: Option<PatternSet>,
}

/// Why [`Local::read`] found nothing.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ReadError {
    /// Not transferred, or absent (`open NAME: no such file or directory`).
    NotFound,
    /// Present but not a regular file.
    NotAFile,
    /// A symlink loop.
    TooManyLinks,
    /// An include pattern that patternmatcher cannot evaluate.
    BadPattern,
}

impl Local<'_> {
    /// Whether the entry at `rel` was transferred (a directory counts: it is only ever asked for
    /// on the way to an entry below it).
    fn present(&self, rel: &[u8], is_dir: bool) -> Result<bool, ReadError> {
        match &self.include {
            None => Ok(true),
            Some(_) if is_dir => Ok(true),
            Some(set) => set
                .matches_or_parent_matches(rel)
                .map_err(|_| ReadError::BadPattern),
        }
    }

    /// Reads `name` inside what was transferred, following symlinks scoped to the directory;
    /// returns the file's path from the directory's root (after symlinks) and its bytes.
    pub(crate) fn read(&self, name: &[u8]) -> Result<(Vec<u8>, Vec<u8>), ReadError> {
        let mut todo: Vec<Vec<u8>> = name
            .split(|&b| b == b'/')
            .filter(|c| !c.is_empty() && *c != b".")
            .rev()
            .map(<[u8]>::to_vec)
            .collect();
        let mut resolved: Vec<Vec<u8>> = Vec::new();
        let mut links = 0;
        while let Some(c) = todo.pop() {
            if c == b".." {
                resolved.pop();
                continue;
            }
            let mut cand = resolved.clone();
            cand.push(c);
            let rel = cand.join(&b'/');
            let md =
                std::fs::symlink_metadata(host(self.dir, &rel)).map_err(|_| ReadError::NotFound)?;
            if !self.present(&rel, md.is_dir())? {
                return Err(ReadError::NotFound);
            }
            if md.file_type().is_symlink() {
                links += 1;
                if links > MAX_LINKS {
                    return Err(ReadError::TooManyLinks);
                }
                let target =
                    std::fs::read_link(host(self.dir, &rel)).map_err(|_| ReadError::NotFound)?;
                let t = crate::sys::os_bytes(target.as_os_str()).into_owned();
                if t.first() == Some(&b'/') {
                    resolved.clear();
                }
                todo.extend(
                    t.split(|&b| b == b'/')
                        .filter(|c| !c.is_empty() && *c != b".")
                        .rev()
                        .map(<[u8]>::to_vec),
                );
            } else {
                resolved = cand;
            }
        }
        let rel = resolved.join(&b'/');
        if rel.is_empty() {
            return Err(ReadError::NotAFile);
        }
        let path = host(self.dir, &rel);
        match std::fs::metadata(&path) {
            Ok(md) if md.is_file() => {}
            Ok(_) => return Err(ReadError::NotAFile),
            Err(_) => return Err(ReadError::NotFound),
        }
        let bytes = std::fs::read(&path).map_err(|_| ReadError::NotFound)?;
        Ok((rel, bytes))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn strs(v: &[Vec<u8>]) -> Vec<String> {
        v.iter()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect()
    }

    fn paths(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    #[test]
    fn follow_links_keeps_targets_inside_the_directory() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("d")).unwrap();
        std::fs::write(root.join("d/ign"), "x").unwrap();
        symlink("/ign", root.join(".dockerignore")).unwrap();
        symlink("../../../up", root.join("rel")).unwrap();
        symlink("d", root.join("l")).unwrap();
        symlink("l/ign", root.join("chain")).unwrap();
        symlink("loop2", root.join("loop1")).unwrap();
        symlink("loop1", root.join("loop2")).unwrap();
        let got = follow_links(root, &paths(&[".dockerignore", "rel", "chain", "loop1"]))
            .unwrap()
            .unwrap();
        assert_eq!(
            strs(&got),
            [
                ".dockerignore",
                "chain",
                "d/ign",
                "ign",
                "l",
                "loop1",
                "loop2",
                "rel",
                "up"
            ]
        );
        // The root itself: no filter. Paths below another one are dropped.
        assert_eq!(follow_links(root, &paths(&["a", "."])).unwrap(), None);
        assert_eq!(
            strs(
                &follow_links(root, &paths(&["d/ign", "d"]))
                    .unwrap()
                    .unwrap()
            ),
            ["d"]
        );
        // A wildcard component: the targets of the symlinks it matches are added.
        symlink("d/ign", root.join("w1")).unwrap();
        assert_eq!(
            strs(&follow_links(root, &paths(&["w?"])).unwrap().unwrap()),
            ["d/ign", "w?"]
        );
        // A wildcard directory component that matched a symlink stays a pattern itself.
        assert_eq!(
            strs(&follow_links(root, &paths(&["*/x"])).unwrap().unwrap()),
            ["*", "d/ign/x", "d/x", "ign/x", "l", "loop1", "loop2", "up/x"]
        );
        std::fs::create_dir(root.join("plain")).unwrap();
        let plain = root.join("plain");
        std::fs::create_dir(plain.join("a")).unwrap();
        assert_eq!(
            strs(&follow_links(&plain, &paths(&["*/x"])).unwrap().unwrap()),
            ["*/x"]
        );
    }

    #[test]
    fn a_name_is_read_only_if_its_include_pattern_matches_it() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        for n in [
            "Dockerfile[x]",
            "Docker*file",
            "Docker\\file",
            "Dockerfilex",
            " sp",
        ] {
            std::fs::write(root.join(n), n).unwrap();
        }
        let read = |name: &str| {
            let pats = follow_links(root, &paths(&[name])).unwrap().unwrap();
            let local = Local {
                dir: root,
                include: Some(include_set(&pats).unwrap()),
            };
            local.read(name.as_bytes()).map(|(rel, _)| rel)
        };
        assert_eq!(read("Dockerfile[x]"), Err(ReadError::NotFound));
        assert_eq!(read("Docker\\file"), Err(ReadError::NotFound));
        assert_eq!(read(" sp"), Err(ReadError::NotFound)); // trimmed to `sp`
        assert_eq!(read("Docker*file"), Ok(b"Docker*file".to_vec()));
        assert_eq!(read("Dockerfilex"), Ok(b"Dockerfilex".to_vec()));
        assert!(include_set(&paths(&["Dockerfile["])).is_err());
    }

    #[test]
    fn reads_follow_symlinks_scoped_to_the_directory() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("sub/real")).unwrap();
        std::fs::write(root.join("sub/real/Dockerfile"), "inner").unwrap();
        std::fs::write(root.join("Dockerfile.real"), "outer").unwrap();
        symlink("/real/Dockerfile", root.join("sub/abs")).unwrap();
        symlink("../Dockerfile.real", root.join("sub/up")).unwrap();
        symlink("self", root.join("sub/self")).unwrap();
        let sub = root.join("sub");
        let read = |name: &str| {
            let pats = follow_links(&sub, &paths(&[name])).unwrap().unwrap();
            let local = Local {
                dir: &sub,
                include: Some(include_set(&pats).unwrap()),
            };
            local.read(name.as_bytes())
        };
        assert_eq!(
            read("abs"),
            Ok((b"real/Dockerfile".to_vec(), b"inner".to_vec()))
        );
        assert_eq!(read("up"), Err(ReadError::NotFound));
        assert_eq!(read("self"), Err(ReadError::TooManyLinks));
        // Without a filter (everything transferred) the same scoping applies.
        let all = Local {
            dir: &sub,
            include: None,
        };
        assert_eq!(all.read(b"up"), Err(ReadError::NotFound));
        assert_eq!(all.read(b"real"), Err(ReadError::NotAFile));
    }
}
