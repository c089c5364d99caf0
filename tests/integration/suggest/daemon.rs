//! A minimal fake docker daemon (the endpoints the docker CLI calls for a classic build) and
//! `run_docker_classic`: what `DOCKER_BUILDKIT=0 docker build` sends, as tar entry names.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(h, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn respond(
    s: &mut UnixStream,
    head: bool,
    code: &str,
    ctype: &str,
    body: &[u8],
) -> std::io::Result<()> {
    write!(
        s,
        "HTTP/1.1 {code}\r\nApi-Version: 1.50\r\nOstype: linux\r\nDocker-Experimental: false\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )?;
    if !head {
        s.write_all(body)?;
    }
    s.flush()
}

fn serve(stream: UnixStream) -> std::io::Result<()> {
    let mut w = stream.try_clone()?;
    let mut r = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let (mut len, mut chunked) = (0usize, false);
        loop {
            let mut h = String::new();
            if r.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
                break;
            }
            let lower = h.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                let mut sz = String::new();
                r.read_line(&mut sz)?;
                let n = usize::from_str_radix(sz.trim().split(';').next().unwrap_or("0"), 16)
                    .unwrap_or(0);
                if n == 0 {
                    let mut t = String::new();
                    while r.read_line(&mut t)? > 0 && t != "\r\n" && t != "\n" {
                        t.clear();
                    }
                    break;
                }
                let mut buf = vec![0; n];
                r.read_exact(&mut buf)?;
                body.extend_from_slice(&buf);
                let mut crlf = String::new();
                r.read_line(&mut crlf)?;
            }
        } else if len > 0 {
            body = vec![0; len];
            r.read_exact(&mut body)?;
        }
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        if path.ends_with("/_ping") {
            respond(&mut w, method == "HEAD", "200 OK", "text/plain", b"OK")?;
        } else if path.ends_with("/version") {
            respond(
                &mut w,
                method == "HEAD",
                "200 OK",
                "application/json",
                br#"{"Version":"28.2.2","ApiVersion":"1.50","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64"}"#,
            )?;
        } else if method == "POST" && path.ends_with("/build") {
            let mut out = None;
            for kv in query.split('&') {
                if let Some(v) = kv.strip_prefix("buildargs=") {
                    let j: serde_json::Value =
                        serde_json::from_str(&percent_decode(v)).unwrap_or_default();
                    out = j
                        .get("ORACLE_OUT")
                        .and_then(|x| x.as_str())
                        .map(PathBuf::from);
                }
            }
            if let Some(o) = out {
                let part = o.with_extension("part");
                std::fs::write(&part, &body)?;
                std::fs::rename(&part, &o)?;
            }
            let msg = format!(
                "{{\"stream\":\"captured {} bytes\\n\"}}\r\n{{\"aux\":{{\"ID\":\"sha256:{}\"}}}}\r\n",
                body.len(),
                "0".repeat(64)
            );
            respond(
                &mut w,
                method == "HEAD",
                "200 OK",
                "application/json",
                msg.as_bytes(),
            )?;
        } else {
            respond(
                &mut w,
                method == "HEAD",
                "404 Not Found",
                "application/json",
                br#"{"message":"fake"}"#,
            )?;
        }
    }
}

/// The socket of one fake daemon shared by every test (`None`: no docker CLI on PATH).
fn daemon() -> Option<&'static Path> {
    static SOCK: OnceLock<Option<PathBuf>> = OnceLock::new();
    SOCK.get_or_init(|| {
        let found = Command::new("docker")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            return None;
        }
        let dir = std::env::temp_dir().join(format!("ctxsize-fakedockerd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let sock = dir.join("docker.sock");
        let _ = std::fs::remove_file(&sock);
        let l = UnixListener::bind(&sock).ok()?;
        std::thread::spawn(move || {
            for s in l.incoming().flatten() {
                std::thread::spawn(move || serve(s));
            }
        });
        Some(sock)
    })
    .as_deref()
}

/// Tar entry names (directories end in `/`).
fn tar_names(t: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut off = 0;
    let mut next_name: Option<String> = None;
    let field = |b: &[u8]| {
        let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
        String::from_utf8_lossy(&b[..end]).into_owned()
    };
    while off + 512 <= t.len() {
        let h = &t[off..off + 512];
        if h.iter().all(|&c| c == 0) {
            break;
        }
        let size = u64::from_str_radix(field(&h[124..136]).trim(), 8).unwrap_or(0) as usize;
        let typ = h[156];
        let data = &t[(off + 512).min(t.len())..(off + 512 + size).min(t.len())];
        match typ {
            b'x' => {
                let s = String::from_utf8_lossy(data);
                for rec in s.split('\n') {
                    if let Some(i) = rec.find(" path=") {
                        next_name = Some(rec[i + 6..].to_string());
                    }
                }
            }
            b'L' => next_name = Some(field(data)),
            _ => {
                let name = next_name.take().unwrap_or_else(|| {
                    let prefix = field(&h[345..500]);
                    let n = field(&h[0..100]);
                    if prefix.is_empty() {
                        n
                    } else {
                        format!("{prefix}/{n}")
                    }
                });
                out.push(name);
            }
        }
        off += 512 + size.div_ceil(512) * 512;
    }
    out
}

/// What `DOCKER_BUILDKIT=0 docker build [-f F] .` sends, run in `ctx`: the tar entry names, or
/// `None` when there is no docker CLI.
pub(super) fn run_docker_classic(ctx: &Path, dockerfile: Option<&str>) -> Option<Vec<String>> {
    let sock = daemon()?;
    let out = ctx.parent().unwrap().join(format!(
        "capture-{}.tar",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let cfg = ctx.parent().unwrap().join("docker-config");
    std::fs::create_dir_all(&cfg).ok()?;
    let mut cmd = Command::new("docker");
    cmd.env("DOCKER_BUILDKIT", "0")
        .env("DOCKER_HOST", format!("unix://{}", sock.display()))
        .env("DOCKER_CONFIG", &cfg)
        .current_dir(ctx)
        .arg("build")
        .arg("-q")
        .arg("--build-arg")
        .arg(format!("ORACLE_OUT={}", out.display()));
    if let Some(f) = dockerfile {
        cmd.arg("-f").arg(f);
    }
    cmd.arg(".");
    let o = cmd.output().ok()?;
    assert!(
        o.status.success(),
        "docker build failed ({}): {}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let t = std::fs::read(&out).expect("captured tar");
    Some(tar_names(&t))
}
