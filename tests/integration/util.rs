//! Shared helpers: a temporary build context built step by step ([`TestEnv`]), running the
//! library or the binary on it, and small predicates (`is_root`, …).
//!
//! Not every test module uses every helper.
#![allow(dead_code)]

#[cfg(unix)]
use std::ffi::CString;
use std::ffi::OsStr;
#[cfg(unix)]
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ctxsize::analysis::{list_lines, Analysis, Config};
use ctxsize::{Builder, Error};

/// Whether the tests run as root (root reads mode-000 files, so permission cases cannot run).
pub fn is_root() -> bool {
    #[cfg(unix)]
    {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() == 0 }
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Prints why a test (or a case) is skipped; visible with `--nocapture` and in failure output.
pub fn skip(what: &str, why: &str) {
    eprintln!("SKIP {what}: {why}");
}

/// The path to the `ctxsize` binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_ctxsize")
}

/// A docker config directory whose `cli-plugins` holds a stand-in buildx plugin: runs that
/// use it get the same report whether or not the test machine has docker and buildx
/// (src/buildx.rs notes a docker without buildx).
pub fn docker_config() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/docker-config")
}

/// Bytes as a path.
#[cfg(unix)]
pub fn bpath(b: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(b))
}

/// Bytes as a path (UTF-8 only off Unix).
#[cfg(not(unix))]
pub fn bpath(b: &[u8]) -> &Path {
    Path::new(std::str::from_utf8(b).expect("a UTF-8 test path"))
}

/// Lines as lossy strings, for readable assertions.
pub fn lossy(v: &[Vec<u8>]) -> Vec<String> {
    v.iter()
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect()
}

/// A temporary directory holding a build context in `ctx/`; everything outside `ctx/` (the
/// directory returned by [`TestEnv::tmp`]) is outside the context.
///
/// Every builder method takes `&self` and returns `&Self`, so calls chain and also work in loops.
/// Paths are context-relative, `/`-separated and may be any bytes.
pub struct TestEnv {
    tmp: tempfile::TempDir,
    ctx: PathBuf,
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

impl TestEnv {
    /// An empty context directory (absolute, symlinks resolved).
    pub fn new() -> TestEnv {
        let tmp = tempfile::Builder::new()
            .prefix("ctxsize-it-")
            .tempdir()
            .expect("tempdir");
        let ctx = tmp.path().join("ctx");
        std::fs::create_dir(&ctx).expect("mkdir ctx");
        let ctx = std::fs::canonicalize(&ctx).expect("canonicalize ctx");
        TestEnv { tmp, ctx }
    }

    /// The context directory.
    pub fn ctx(&self) -> &Path {
        &self.ctx
    }

    /// The temporary directory that holds the context (outside the context).
    pub fn tmp(&self) -> PathBuf {
        self.ctx.parent().expect("ctx has a parent").to_path_buf()
    }

    /// The absolute path of a context-relative path.
    pub fn path(&self, rel: impl AsRef<[u8]>) -> PathBuf {
        self.ctx.join(bpath(rel.as_ref()))
    }

    fn parent_dirs(&self, rel: &[u8]) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create parent dirs");
        }
        p
    }

    /// A regular file with these bytes (parents created).
    pub fn file(&self, rel: impl AsRef<[u8]>, bytes: impl AsRef<[u8]>) -> &Self {
        let p = self.parent_dirs(rel.as_ref());
        std::fs::write(&p, bytes.as_ref()).unwrap_or_else(|e| panic!("write {p:?}: {e}"));
        self
    }

    /// A regular file of `n` bytes (sparse: no data is written).
    pub fn sized(&self, rel: impl AsRef<[u8]>, n: u64) -> &Self {
        let p = self.parent_dirs(rel.as_ref());
        let f = std::fs::File::create(&p).unwrap_or_else(|e| panic!("create {p:?}: {e}"));
        f.set_len(n).expect("set_len");
        self
    }

    /// A directory (and its parents).
    pub fn dir(&self, rel: impl AsRef<[u8]>) -> &Self {
        let p = self.path(rel.as_ref());
        std::fs::create_dir_all(&p).unwrap_or_else(|e| panic!("mkdir {p:?}: {e}"));
        self
    }

    #[cfg(unix)]
    /// A symlink `rel -> target` (the target is written as given, never resolved).
    pub fn symlink(&self, rel: impl AsRef<[u8]>, target: impl AsRef<[u8]>) -> &Self {
        let p = self.parent_dirs(rel.as_ref());
        std::os::unix::fs::symlink(bpath(target.as_ref()), &p)
            .unwrap_or_else(|e| panic!("symlink {p:?}: {e}"));
        self
    }

    /// A second name `rel` for the existing context file `existing`.
    pub fn hardlink(&self, rel: impl AsRef<[u8]>, existing: impl AsRef<[u8]>) -> &Self {
        let p = self.parent_dirs(rel.as_ref());
        std::fs::hard_link(self.path(existing.as_ref()), &p)
            .unwrap_or_else(|e| panic!("hard link {p:?}: {e}"));
        self
    }

    /// `<ctx>/.dockerignore` with this text.
    /// Runs git in the context (for tests about what git tracks); git must be installed.
    pub fn git(&self, args: &[&str]) -> &Self {
        let out = Command::new("git")
            .args([
                "-c",
                "core.autocrlf=false",
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
            ])
            .args(args)
            .current_dir(self.ctx())
            .output()
            .unwrap_or_else(|e| panic!("git is needed for this test and cannot be run: {e}"));
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
        self
    }

    pub fn dockerignore(&self, text: impl AsRef<[u8]>) -> &Self {
        self.file(".dockerignore", text)
    }

    #[cfg(unix)]
    /// A named pipe.
    pub fn fifo(&self, rel: impl AsRef<[u8]>) -> &Self {
        let p = self.parent_dirs(rel.as_ref());
        let c = CString::new(p.as_os_str().as_bytes()).expect("no NUL");
        // SAFETY: NUL-terminated path.
        let r = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
        assert_eq!(r, 0, "mkfifo {p:?}: {}", std::io::Error::last_os_error());
        self
    }

    #[cfg(unix)]
    /// A unix socket file (the listener is closed; the socket file stays).
    pub fn socket(&self, rel: impl AsRef<[u8]>) -> &Self {
        let p = self.parent_dirs(rel.as_ref());
        let l = std::os::unix::net::UnixListener::bind(&p)
            .unwrap_or_else(|e| panic!("bind {p:?}: {e}"));
        drop(l);
        self
    }

    #[cfg(unix)]
    /// A character device (1, 3); `false` when mknod is not permitted here.
    pub fn try_chr(&self, rel: impl AsRef<[u8]>) -> bool {
        let p = self.parent_dirs(rel.as_ref());
        let c = CString::new(p.as_os_str().as_bytes()).expect("no NUL");
        // SAFETY: NUL-terminated path; makedev is a pure computation.
        let r = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o644, libc::makedev(1, 3)) };
        r == 0
    }

    #[cfg(unix)]
    /// chmod.
    pub fn mode(&self, rel: impl AsRef<[u8]>, mode: u32) -> &Self {
        use std::os::unix::fs::PermissionsExt;
        let p = self.path(rel.as_ref());
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode))
            .unwrap_or_else(|e| panic!("chmod {p:?}: {e}"));
        self
    }

    #[cfg(unix)]
    /// Sets the modification time (seconds since the epoch, may be negative), not following
    /// symlinks.
    pub fn mtime(&self, rel: impl AsRef<[u8]>, secs: i64) -> &Self {
        let p = self.path(rel.as_ref());
        let c = CString::new(p.as_os_str().as_bytes()).expect("no NUL");
        let t = libc::timespec {
            tv_sec: secs as libc::time_t,
            tv_nsec: 0,
        };
        let times = [t, t];
        // SAFETY: NUL-terminated path and a two-element timespec array.
        let r = unsafe {
            libc::utimensat(
                libc::AT_FDCWD,
                c.as_ptr(),
                times.as_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        assert_eq!(r, 0, "utimensat {p:?}: {}", std::io::Error::last_os_error());
        self
    }

    /// A library configuration for this context, run from the context directory.
    pub fn config(&self, builder: Builder, dockerfile: Option<&str>) -> Config {
        Config {
            context: self.ctx.clone(),
            dockerfile: dockerfile.map(PathBuf::from),
            builder,
            cwd: self.ctx.clone(),
            threads: 2,
            excluded_sizes: true,
            engine: ctxsize::engine::Engine::Docker,
        }
    }

    /// Runs the library on the context (cwd = the context).
    pub fn analyze(&self, builder: Builder, dockerfile: Option<&str>) -> Result<Analysis, Error> {
        ctxsize::analyze(&self.config(builder, dockerfile))
    }

    /// `ctxsize list` through the library: the sorted entries, directories ending in `/`.
    pub fn list(&self, builder: Builder, dockerfile: Option<&str>) -> Vec<String> {
        match self.analyze(builder, dockerfile) {
            Ok(a) => lossy(&list_lines(&a.tree)),
            Err(e) => panic!("analysis failed: {e}"),
        }
    }

    /// Runs the binary with the context directory as the current directory.
    pub fn run<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run_in(&self.ctx, args)
    }

    /// Runs the binary in another directory.
    pub fn run_in<I, S>(&self, cwd: &Path, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Command::new(bin())
            .args(args)
            .current_dir(cwd)
            .env_remove("DOCKER_BUILDKIT")
            .env("DOCKER_CONFIG", docker_config())
            .env("NO_COLOR", "1")
            .output()
            .expect("run ctxsize")
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        // Make mode-000 directories removable again (matters when not running as root).
        fn unlock(dir: &Path) {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
            }
            if let Ok(rd) = std::fs::read_dir(dir) {
                for e in rd.flatten() {
                    if e.file_type().is_ok_and(|t| t.is_dir()) {
                        unlock(&e.path());
                    }
                }
            }
        }
        unlock(self.tmp.path());
    }
}

/// Output as text (lossy), for messages.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Asserts a successful run and returns stdout.
pub fn ok_stdout(o: &Output) -> Vec<u8> {
    assert!(
        o.status.success(),
        "ctxsize failed ({:?}): {}",
        o.status.code(),
        text(&o.stderr)
    );
    o.stdout.clone()
}

/// Deterministic generator (xorshift) for fake credentials and filler text: the same values on
/// every run, no token-like literal in the source. Each test file adds the shapes it needs in
/// an `impl Gen` of its own.
pub struct Gen(pub u64);

impl Gen {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// `n` characters drawn from `alphabet`.
    pub fn pick(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[(self.next() >> 33) as usize % alphabet.len()] as char)
            .collect()
    }
}

/// The JSON report of `env`'s context (exit 0, or 1 for a failed check).
pub fn report_json(env: &TestEnv) -> serde_json::Value {
    let out = env.run(["--format", "json", "."]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

/// The secret findings of a JSON report for `path`.
pub fn secret_findings<'a>(v: &'a serde_json::Value, path: &str) -> Vec<&'a serde_json::Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path && f["category"] == "secret")
        .collect()
}

/// `ctxsize suggest ARGS` in `env`: exit code, stdout, stderr.
pub fn suggest(env: &TestEnv, args: &[&str]) -> (Option<i32>, String, String) {
    let mut a = vec!["suggest"];
    a.extend_from_slice(args);
    let o = env.run(&a);
    (o.status.code(), text(&o.stdout), text(&o.stderr))
}

/// Under both builders, `list` sends each of `sent` and none of `out`.
pub fn assert_sends(env: &TestEnv, sent: &[&str], out: &[&str], what: &str) {
    for b in ["buildkit", "classic"] {
        let list = text(&env.run(["list", "--builder", b, "."]).stdout);
        for p in sent {
            assert!(list.lines().any(|l| l == *p), "{b} {p}: {list}\n{what}");
        }
        for p in out {
            assert!(!list.lines().any(|l| l == *p), "{b} {p}: {list}\n{what}");
        }
    }
}
