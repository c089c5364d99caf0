//! Running processes (docker, ctxsize) with a timeout.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant};

use super::case::esc;
use super::daemon::FakeDaemon;
use super::tar_reader::{parse_tar, TarEntry};
use super::{
    Runner, BUILD_ARG, CTXSIZE_SHORT_TIMEOUT, CTXSIZE_TIMEOUT, DOCKER_TIMEOUT, MAX_FULL_TIMEOUTS,
};

pub(super) struct CmdOutput {
    status: Option<ExitStatus>,
    pub(super) stdout: Vec<u8>,
    pub(super) stderr: Vec<u8>,
    timed_out: bool,
    spawn_error: Option<String>,
}

impl CmdOutput {
    pub(super) fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }
    pub(super) fn status_text(&self) -> String {
        if let Some(e) = &self.spawn_error {
            return format!("could not start ({e})");
        }
        if self.timed_out {
            return "timed out (killed)".to_string();
        }
        match self.status {
            Some(s) if s.success() => "exited 0".to_string(),
            Some(s) => format!("failed ({s})"),
            None => "did not finish".to_string(),
        }
    }
}

fn run_with_timeout(mut cmd: Command, timeout: Duration) -> CmdOutput {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return CmdOutput {
                status: None,
                stdout: vec![],
                stderr: vec![],
                timed_out: false,
                spawn_error: Some(e.to_string()),
            }
        }
    };
    let mut so = child.stdout.take().expect("piped stdout");
    let mut se = child.stderr.take().expect("piped stderr");
    let t_out = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = so.read_to_end(&mut v);
        v
    });
    let t_err = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = se.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let mut nap = Duration::from_micros(500);
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if Instant::now() >= deadline => {
                timed_out = true;
                let _ = child.kill(); // only the child we spawned
                break child.wait().ok();
            }
            Ok(None) => {
                thread::sleep(nap);
                nap = (nap * 2).min(Duration::from_millis(10));
            }
            Err(_) => {
                let _ = child.kill();
                break child.wait().ok();
            }
        }
    };
    CmdOutput {
        status: if timed_out { None } else { status },
        stdout: t_out.join().unwrap_or_default(),
        stderr: t_err.join().unwrap_or_default(),
        timed_out,
        spawn_error: None,
    }
}

pub(super) fn run_ctxsize(
    runner: &Runner<'_>,
    args: &[&str],
    flag: Option<&OsStr>,
    ctx: &Path,
) -> CmdOutput {
    let mut cmd = Command::new(&runner.cfg.ctxsize);
    cmd.current_dir(ctx).args(args);
    if let Some(f) = flag {
        cmd.arg("-f").arg(f);
    }
    cmd.arg(ctx);
    let timeout = if runner.ctxsize_timeouts.load(Ordering::Relaxed) < MAX_FULL_TIMEOUTS {
        CTXSIZE_TIMEOUT
    } else {
        CTXSIZE_SHORT_TIMEOUT
    };
    let out = run_with_timeout(cmd, timeout);
    if out.timed_out {
        runner.ctxsize_timeouts.fetch_add(1, Ordering::Relaxed);
    }
    out
}

pub(super) struct DockerEnv {
    docker: PathBuf,
    home: PathBuf,
    config: PathBuf,
    host: String,
    path_var: OsString,
}

impl DockerEnv {
    pub(super) fn new(docker: &Path, work: &Path, socket: &Path) -> DockerEnv {
        let home = work.join("home");
        let config = home.join(".docker");
        fs::create_dir_all(&config).expect("create docker config dir");
        DockerEnv {
            docker: docker.to_path_buf(),
            home,
            config,
            host: format!("unix://{}", socket.display()),
            path_var: std::env::var_os("PATH")
                .unwrap_or_else(|| OsString::from("/usr/local/bin:/usr/bin:/bin")),
        }
    }
}

pub(super) enum DockerOutcome {
    /// The CLI exited 0 and the fake daemon received this tar.
    Sent {
        tar: Vec<u8>,
        entries: Vec<TarEntry>,
        stdout: Vec<u8>,
    },
    /// The CLI exited non-zero (its error is what ctxsize must reproduce).
    Failed { status: String, stderr: Vec<u8> },
    /// Something is wrong with the harness, not with ctxsize.
    Harness(String),
}

impl DockerOutcome {
    pub(super) fn short(&self) -> String {
        match self {
            DockerOutcome::Sent { tar, entries, .. } => {
                format!("sent {} bytes, {} entries", tar.len(), entries.len())
            }
            DockerOutcome::Failed { status, stderr } => format!("{status}: {}", last_line(stderr)),
            DockerOutcome::Harness(why) => format!("harness problem: {why}"),
        }
    }
    pub(super) fn summary(&self) -> String {
        match self {
            DockerOutcome::Sent { stdout, .. } => {
                let sending = String::from_utf8_lossy(stdout)
                    .split(['\r', '\n'])
                    .rfind(|l| l.contains("Sending build context"))
                    .unwrap_or("")
                    .trim()
                    .to_string();
                format!("{} ({sending})", self.short())
            }
            _ => self.short(),
        }
    }
}

pub(super) fn run_docker(
    denv: &DockerEnv,
    daemon: &FakeDaemon,
    ctx: &Path,
    flag: Option<&OsStr>,
    key: &str,
) -> DockerOutcome {
    let mut cmd = Command::new(&denv.docker);
    cmd.env_clear()
        .env("PATH", &denv.path_var)
        .env("HOME", &denv.home)
        .env("DOCKER_CONFIG", &denv.config)
        .env("DOCKER_HOST", &denv.host)
        .env("DOCKER_BUILDKIT", "0")
        .env("DOCKER_CLI_HINTS", "false")
        .env("LANG", "C.UTF-8")
        .current_dir(ctx)
        .arg("build")
        .arg("--build-arg")
        .arg(format!("{BUILD_ARG}={key}"));
    if let Some(f) = flag {
        cmd.arg("-f").arg(f);
    }
    cmd.arg(ctx);
    let out = run_with_timeout(cmd, DOCKER_TIMEOUT);
    let capture = daemon.take_capture(key);
    if out.spawn_error.is_some() || out.timed_out {
        return DockerOutcome::Harness(format!(
            "docker {}; stderr: {}",
            out.status_text(),
            esc(&out.stderr)
        ));
    }
    if !out.success() {
        return DockerOutcome::Failed {
            status: out.status_text(),
            stderr: out.stderr,
        };
    }
    let Some(cap) = capture else {
        return DockerOutcome::Harness(format!(
            "docker exited 0 but the fake daemon got no build request for {key}; stderr: {}; daemon errors: {}",
            esc(&out.stderr),
            daemon.errors().join("; ")
        ));
    };
    match parse_tar(&cap.body) {
        Ok(entries) => DockerOutcome::Sent {
            tar: cap.body,
            entries,
            stdout: out.stdout,
        },
        Err(e) => DockerOutcome::Harness(format!(
            "cannot parse the {}-byte tar docker sent: {e}",
            cap.body.len()
        )),
    }
}

pub(super) fn last_line(b: &[u8]) -> String {
    let text = String::from_utf8_lossy(b);
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_string()
}
