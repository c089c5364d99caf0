//! Which files git tracks: the repository around the context, its index, and the paths below
//! the context. Tracked files are never reported as `gitignored`, and a tracked directory named
//! like build output (`build/` holding templates) is source, not output.

use std::path::{Path, PathBuf};

use crate::rules::gitindex::{self, IndexError, Tracked};

/// What the tracked-file check could establish.
#[derive(Debug)]
pub(crate) enum GitState {
    /// The index was read; paths are relative to the context root.
    Tracked(Tracked),
    /// No repository encloses the context.
    NoRepo,
    /// A repository exists but its index could not be read (the reason).
    Unreadable(String),
}

impl GitState {
    /// Every path tracked (a revision's tree unpacked without its repository).
    pub(crate) fn everything_tracked() -> GitState {
        GitState::Tracked(Tracked {
            paths: Vec::new(),
            sparse_dirs: vec![Vec::new()],
        })
    }

    /// The tracked set, if the check ran.
    pub(crate) fn tracked(&self) -> Option<&Tracked> {
        match self {
            GitState::Tracked(t) => Some(t),
            _ => None,
        }
    }

    /// A note for the report when the check did not run.
    pub(crate) fn note(&self) -> Option<String> {
        match self {
            GitState::Tracked(_) => None,
            GitState::NoRepo => Some(
                "no git repository encloses the context: gitignored entries are not checked against tracked files (check skipped)"
                    .to_string(),
            ),
            GitState::Unreadable(e) => Some(format!(
                "the git index could not be read ({e}): gitignored entries are not checked against tracked files (check skipped)"
            )),
        }
    }
}

/// The nearest `.git` (directory, or file pointing at one) at or above `root`: the work tree
/// and the git directory.
pub(crate) fn find_repo(root: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut cur = Some(root);
    while let Some(dir) = cur {
        let dot = dir.join(".git");
        match std::fs::symlink_metadata(&dot) {
            Ok(m) if m.is_dir() => return Some((dir.to_path_buf(), dot)),
            Ok(m) if m.is_file() => {
                // A worktree or submodule: `gitdir: <path>`, relative to the file's directory.
                let text = crate::context::read_regular(&dot).ok()?;
                let text = String::from_utf8_lossy(&text);
                let g = text.trim().strip_prefix("gitdir:")?.trim();
                let g = Path::new(g);
                let g = if g.is_absolute() {
                    g.to_path_buf()
                } else {
                    dir.join(g)
                };
                return Some((dir.to_path_buf(), g));
            }
            _ => cur = dir.parent(),
        }
    }
    None
}

/// SHA-256 repositories (`extensions.objectformat = sha256`) have 32-byte object ids.
fn hash_len(gitdir: &Path) -> usize {
    let common = read_text(&gitdir.join("commondir"))
        .map(|c| gitdir.join(c.trim()))
        .unwrap_or_else(|_| gitdir.to_path_buf());
    let cfg = read_text(&common.join("config")).unwrap_or_default();
    let sha256 = cfg.lines().any(|l| {
        let l = l.trim().to_ascii_lowercase();
        l.starts_with("objectformat") && l.ends_with("sha256")
    });
    if sha256 {
        32
    } else {
        20
    }
}

/// `git ls-files -z` run in `worktree`, for the split index this parser leaves out.
fn ls_files(worktree: &Path) -> Result<Tracked, String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(worktree)
        .args(["ls-files", "-z", "--full-name"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("a split index, and git cannot be run: {e}"))?;
    if !out.status.success() {
        return Err("a split index, and `git ls-files` failed".to_string());
    }
    let mut paths: Vec<Vec<u8>> = out
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    paths.sort_unstable();
    paths.dedup();
    Ok(Tracked {
        paths,
        sparse_dirs: Vec::new(),
    })
}

/// The bytes of an index file, read whole only when it starts like one: anything else (a stray or
/// corrupt file, possibly large) yields just its first bytes, which the parser rejects.
fn read_index(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut f = crate::context::open_regular(path)?;
    let mut b = Vec::with_capacity(12);
    (&mut f).take(12).read_to_end(&mut b)?;
    if b.len() == 12 && b.starts_with(gitindex::SIGNATURE) {
        let len = f.metadata().map_or(0, |m| m.len());
        b.reserve(usize::try_from(len).unwrap_or(0).saturating_sub(12));
        f.read_to_end(&mut b)?;
    }
    Ok(b)
}

/// A relative path as `/`-separated bytes.
fn slash_bytes(rel: &Path) -> Vec<u8> {
    crate::sys::os_bytes(rel.as_os_str())
        .iter()
        .map(|&b| if b == b'\\' && cfg!(windows) { b'/' } else { b })
        .collect()
}

/// Reads the index of the repository enclosing `root`, restricted to `root`.
/// [`load`]'s answer for one root, read ahead of the findings (while the walk runs).
pub(crate) struct Loaded {
    root: std::path::PathBuf,
    state: GitState,
}

impl Loaded {
    /// Reads what git tracks under `root`.
    pub(crate) fn read(root: std::path::PathBuf) -> Loaded {
        let state = load(&root);
        Loaded { root, state }
    }

    /// The state for `root`: the one read ahead when it was read for that root, else [`load`].
    pub(crate) fn for_root(ahead: Option<Loaded>, root: &Path) -> GitState {
        match ahead {
            Some(l) if l.root == root => l.state,
            _ => load(root),
        }
    }
}

pub(crate) fn load(root: &Path) -> GitState {
    let Some((worktree, gitdir)) = find_repo(root) else {
        return GitState::NoRepo;
    };
    let Some(prefix) = root.strip_prefix(&worktree).ok().map(slash_bytes) else {
        return GitState::NoRepo;
    };
    let tracked = match read_index(&gitdir.join("index")) {
        Ok(bytes) => match gitindex::parse(&bytes, hash_len(&gitdir)) {
            Ok(t) => t,
            Err(IndexError::Split) => match ls_files(&worktree) {
                Ok(t) => t,
                Err(e) => return GitState::Unreadable(e),
            },
            Err(e) => return GitState::Unreadable(e.to_string()),
        },
        // A new repository has no index until the first `git add`: nothing is tracked.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && gitdir.is_dir() => Tracked::default(),
        Err(e) => return GitState::Unreadable(e.to_string()),
    };
    GitState::Tracked(tracked.below(&prefix))
}

/// A small text file of the repository (`commondir`, a config), read only when it is a regular
/// file: a FIFO there would wait for a writer forever.
fn read_text(path: &Path) -> std::io::Result<String> {
    String::from_utf8(crate::context::read_regular(path)?)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// The git directory shared by every worktree (`commondir`), where `info/exclude` and the
/// repository's `config` live.
fn common_dir(gitdir: &Path) -> PathBuf {
    read_text(&gitdir.join("commondir"))
        .map(|c| gitdir.join(c.trim()))
        .unwrap_or_else(|_| gitdir.to_path_buf())
}

/// The last `core.excludesFile` value in a git config text (no includes followed).
fn excludes_file_in(text: &str) -> Option<String> {
    let mut core = false;
    let mut found = None;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            let name = l.trim_start_matches('[').split([']', ' ', '"']).next();
            core = name.is_some_and(|n| n.eq_ignore_ascii_case("core"));
            continue;
        }
        if !core {
            continue;
        }
        let Some((k, v)) = l.split_once('=') else {
            continue;
        };
        if k.trim().eq_ignore_ascii_case("excludesfile") {
            let v = v.split([';', '#']).next().unwrap_or("").trim();
            found = Some(v.trim_matches('"').to_string());
        }
    }
    found
}

/// `core.excludesFile` as git resolves it: the repository's config over the global one over the
/// system one; unset, `$XDG_CONFIG_HOME/git/ignore` (`~/.config/git/ignore`).
fn excludes_file(common: &Path) -> Option<PathBuf> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    let (configs, xdg, home) = config_files(&env, common);
    let set = configs
        .iter()
        .rev()
        .filter_map(|c| read_text(c).ok())
        .find_map(|t| excludes_file_in(&t));
    match set {
        Some(v) if v.is_empty() => None,
        Some(v) => match v.strip_prefix("~/") {
            Some(rest) => home.map(|h| h.join(rest)),
            None => Some(PathBuf::from(v)),
        },
        None => xdg.map(|x| x.join("git/ignore")),
    }
}

/// The config files git reads, lowest precedence first, as git-config(1) lists them: the
/// system file (`$GIT_CONFIG_SYSTEM`, else `/etc/gitconfig`; none with `GIT_CONFIG_NOSYSTEM`
/// true), the global ones (`$GIT_CONFIG_GLOBAL`, else `$XDG_CONFIG_HOME/git/config` and
/// `~/.gitconfig`), the repository's. Also the XDG config directory and home. `include`
/// sections are not followed.
fn config_files(
    env: &dyn Fn(&str) -> Option<std::ffi::OsString>,
    common: &Path,
) -> (Vec<PathBuf>, Option<PathBuf>, Option<PathBuf>) {
    let home = env("HOME").map(PathBuf::from);
    let xdg = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    let mut configs: Vec<PathBuf> = Vec::new();
    let no_system = env("GIT_CONFIG_NOSYSTEM").is_some_and(|v| {
        let v = v.to_string_lossy().to_ascii_lowercase();
        !matches!(v.as_str(), "0" | "false" | "no" | "off")
    });
    if !no_system {
        configs
            .push(env("GIT_CONFIG_SYSTEM").map_or_else(|| "/etc/gitconfig".into(), PathBuf::from));
    }
    match env("GIT_CONFIG_GLOBAL") {
        Some(g) => configs.push(PathBuf::from(g)),
        None => {
            if let Some(x) = &xdg {
                configs.push(x.join("git/config"));
            }
            if let Some(h) = &home {
                configs.push(h.join(".gitconfig"));
            }
        }
    }
    configs.push(common.join("config"));
    (configs, xdg, home)
}

/// The ignore rules git applies to the context that do not live inside it, for a context in a
/// repository: `core.excludesFile`, `.git/info/exclude`, and the `.gitignore` files of the
/// directories from the work tree down to the context root's parent.
pub(crate) struct OuterIgnores {
    /// The context root relative to the work tree (`/`-separated, empty at the top).
    pub prefix: Vec<u8>,
    /// `(directory relative to the work tree, text)`, lowest precedence first.
    pub files: Vec<(Vec<u8>, String)>,
}

/// See [`OuterIgnores`]; `None` when no repository encloses `root`.
pub(crate) fn outer_ignores(root: &Path) -> Option<OuterIgnores> {
    let (worktree, gitdir) = find_repo(root)?;
    let rel = root.strip_prefix(&worktree).ok()?;
    let prefix = slash_bytes(rel);
    let read = |p: &Path| {
        use std::io::Read;
        let mut buf = Vec::new();
        crate::context::open_regular(p)
            .ok()?
            .take(1 << 20)
            .read_to_end(&mut buf)
            .ok()?;
        Some(String::from_utf8_lossy(&buf).into_owned())
    };
    let common = common_dir(&gitdir);
    let mut files = Vec::new();
    if let Some(t) = excludes_file(&common).and_then(|p| read(&p)) {
        files.push((Vec::new(), t));
    }
    if let Some(t) = read(&common.join("info/exclude")) {
        files.push((Vec::new(), t));
    }
    // The work tree and each directory down to the context root's parent: read each, then
    // step into the next component of the root's path.
    let mut dir = worktree;
    let mut at: Vec<u8> = Vec::new();
    for c in rel.components() {
        if let Some(t) = read(&dir.join(".gitignore")) {
            files.push((at.clone(), t));
        }
        dir.push(c);
        if !at.is_empty() {
            at.push(b'/');
        }
        at.extend_from_slice(&crate::sys::os_bytes(c.as_os_str()));
    }
    Some(OuterIgnores { prefix, files })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use super::{config_files, gitindex, read_index, IndexError};

    use crate::pipeline::{build, Options};
    use crate::testutil::git;
    use crate::walk::Builder;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// The files below `dir` (relative to it), `.git` left out.
    fn files(dir: &Path, rel: &str, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir.join(rel)).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            let r = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if name == ".git" {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                files(dir, &r, out);
            } else {
                out.push(r);
            }
        }
    }

    /// CTX001 says a file is ignored exactly when `git check-ignore` does, for a context two
    /// directories below the work tree: `.gitignore` files above the context (anchored and
    /// negated lines), inside it, `.git/info/exclude` and `core.excludesFile`.
    #[test]
    fn gitignored_agrees_with_git_check_ignore() {
        let d = tempfile::tempdir().unwrap();
        let repo = d.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q"]);
        let global = d.path().join("global-ignore");
        std::fs::write(&global, "global.dat\n").unwrap();
        git(
            &repo,
            &["config", "core.excludesFile", global.to_str().unwrap()],
        );
        write(
            &repo,
            ".gitignore",
            "/sub/ctx/anchored.txt\n*.gen\ngen-out/\n!sub/ctx/keep-root.gen\nanchored.txt\n",
        );
        write(&repo, "sub/.gitignore", "!keep.gen\nctx/from-sub.txt\n");
        write(&repo, ".git/info/exclude", "local.txt\n");
        let ctx = repo.join("sub/ctx");
        for f in [
            "anchored.txt",
            "deep/anchored.txt",
            "a.gen",
            "keep.gen",
            "keep-root.gen",
            "gen-out/x.txt",
            "local.txt",
            "global.dat",
            "plain.txt",
            "from-sub.txt",
            "inner/inner-only.txt",
            "inner/plain.txt",
        ] {
            write(&ctx, f, "x\n");
        }
        write(&ctx, "inner/.gitignore", "inner-only.txt\n");
        write(&ctx, "Dockerfile", "FROM scratch\nCOPY . /\n");

        let mut all = Vec::new();
        files(&ctx, "", &mut all);
        let by_git = check_ignore(&ctx, &all);
        assert!(by_git.contains("anchored.txt") && by_git.contains("global.dat"));
        assert!(!by_git.contains("keep.gen") && !by_git.contains("keep-root.gen"));

        let (by_us, reported) = reported_ignored(&ctx, &all);
        assert_eq!(by_us, by_git, "CTX001: {reported:?}");
    }

    /// `git check-ignore --stdin` over `all` (paths relative to `ctx`).
    fn check_ignore(ctx: &Path, all: &[String]) -> BTreeSet<String> {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(ctx)
            .args(["check-ignore", "--stdin"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin
                    .take()
                    .unwrap()
                    .write_all(all.join("\n").as_bytes())?;
                c.wait_with_output()
            })
            .expect("git runs");
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// The files of `all` that CTX001 findings name (themselves or a directory above them),
    /// and the findings' paths in report order.
    fn reported_ignored(ctx: &Path, all: &[String]) -> (BTreeSet<String>, Vec<String>) {
        let r = build(
            &crate::testutil::config(ctx, Builder::Buildkit, 2),
            &Options::default(),
            None,
        )
        .unwrap()
        .report;
        let reported: Vec<String> = r
            .findings
            .iter()
            .filter(|f| f.rule == "CTX001")
            .map(|f| f.path.clone())
            .collect();
        let by_us = all
            .iter()
            .filter(|f| {
                reported
                    .iter()
                    .any(|p| f.as_str() == p || f.starts_with(&format!("{p}/")))
            })
            .cloned()
            .collect();
        (by_us, reported)
    }

    /// The same on a context large enough that the entries are decided in parallel, directory
    /// runs shared out (more than 1/32 of the files in some directories): nested ignore files
    /// at several depths, negations, ignored directories holding tracked files, and every
    /// finding once.
    #[test]
    fn gitignored_agrees_with_git_when_shared_out() {
        let d = tempfile::tempdir().unwrap();
        let ctx = d.path().join("repo");
        std::fs::create_dir_all(&ctx).unwrap();
        git(&ctx, &["init", "-q"]);
        write(&ctx, ".gitignore", "*.gen\ngen-out/\n!keep.gen\n");
        write(&ctx, "Dockerfile", "FROM scratch\nCOPY . /\n");
        for top in ["app", "lib", "svc"] {
            write(&ctx, &format!("{top}/.gitignore"), "*.tmp\n/gen/\n");
            for sub in 0..12 {
                let dir = format!("{top}/m{sub:02}");
                if sub % 4 == 0 {
                    write(&ctx, &format!("{dir}/.gitignore"), "!x3.tmp\ncache/\n");
                }
                for f in 0..30 {
                    let ext = ["txt", "gen", "tmp", "rs"][f % 4];
                    write(&ctx, &format!("{dir}/x{f}.{ext}"), "x\n");
                }
                write(&ctx, &format!("{dir}/cache/c.bin"), "x\n");
                write(&ctx, &format!("{dir}/gen-out/out.dat"), "x\n");
            }
            write(&ctx, &format!("{top}/gen/a.txt"), "x\n");
            write(&ctx, &format!("{top}/keep.gen"), "x\n");
        }
        // Tracked although ignored: never reported, and their ignored directory is looked into.
        write(&ctx, "app/m01/gen-out/tracked.o", "x\n");
        git(
            &ctx,
            &["add", "-f", "app/m01/gen-out/tracked.o", "lib/m02/x1.gen"],
        );
        let mut all = Vec::new();
        files(&ctx, "", &mut all);
        assert!(all.len() > 1000, "{}", all.len());
        let tracked = ["app/m01/gen-out/tracked.o", "lib/m02/x1.gen"];
        let by_git: BTreeSet<String> = check_ignore(&ctx, &all)
            .into_iter()
            .filter(|p| !tracked.contains(&p.as_str()))
            .collect();
        let (by_us, reported) = reported_ignored(&ctx, &all);
        assert_eq!(by_us, by_git, "CTX001: {reported:?}");
        let once: BTreeSet<&String> = reported.iter().collect();
        assert_eq!(once.len(), reported.len(), "{reported:?}");
        assert!(by_us.contains("svc/m05/x1.gen") && !by_us.contains("app/m04/x3.tmp"));
        assert!(reported.iter().any(|p| p == "app/m01/gen-out/out.dat"));
    }

    #[test]
    fn read_index_reads_only_the_head_of_a_file_that_is_not_an_index() {
        let d = tempfile::tempdir().unwrap();
        let junk = d.path().join("junk");
        std::fs::write(&junk, vec![0xabu8; 1 << 20]).unwrap();
        let b = read_index(&junk).unwrap();
        assert_eq!(b.len(), 12);
        assert_eq!(
            gitindex::parse(&b, 20),
            Err(IndexError::Malformed("no DIRC signature"))
        );
        let index = d.path().join("index");
        let mut real = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        real.extend_from_slice(&[7u8; 5000]);
        std::fs::write(&index, &real).unwrap();
        assert_eq!(read_index(&index).unwrap(), real);
        assert_eq!(
            read_index(&d.path().join("none")).unwrap_err().kind(),
            std::io::ErrorKind::NotFound
        );
    }

    #[test]
    fn config_files_follow_gits_environment() {
        let common = Path::new("/r/.git");
        let files = |vars: &[(&str, &str)]| {
            let env = |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            };
            config_files(&env, common).0
        };
        let p = |v: &[&str]| v.iter().map(PathBuf::from).collect::<Vec<_>>();
        assert_eq!(
            files(&[("HOME", "/h")]),
            p(&[
                "/etc/gitconfig",
                "/h/.config/git/config",
                "/h/.gitconfig",
                "/r/.git/config"
            ])
        );
        assert_eq!(
            files(&[
                ("HOME", "/h"),
                ("GIT_CONFIG_GLOBAL", "/g"),
                ("GIT_CONFIG_SYSTEM", "/s")
            ]),
            p(&["/s", "/g", "/r/.git/config"])
        );
        assert_eq!(
            files(&[
                ("HOME", "/h"),
                ("XDG_CONFIG_HOME", "/x"),
                ("GIT_CONFIG_NOSYSTEM", "1")
            ]),
            p(&["/x/git/config", "/h/.gitconfig", "/r/.git/config"])
        );
        assert_eq!(
            files(&[("GIT_CONFIG_NOSYSTEM", "false")]),
            p(&["/etc/gitconfig", "/r/.git/config"])
        );
    }
}
