//! A fake docker daemon: HTTP/1.1 on a unix socket, keeping the uploaded build-context tar.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::io::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::{BUILD_ARG, IO_TIMEOUT, MAX_BODY};

pub(super) struct Capture {
    pub(super) body: Vec<u8>,
}

#[derive(Default)]
struct DaemonState {
    captures: Mutex<HashMap<String, Capture>>,
    errors: Mutex<Vec<String>>,
}

pub(super) struct FakeDaemon {
    socket: PathBuf,
    stop: Arc<AtomicBool>,
    state: Arc<DaemonState>,
    accept_thread: Option<JoinHandle<()>>,
}

impl FakeDaemon {
    pub(super) fn start(dir: &Path) -> io::Result<FakeDaemon> {
        let socket = dir.join("docker.sock");
        let listener = UnixListener::bind(&socket)?;
        listener.set_nonblocking(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        let state = Arc::new(DaemonState::default());
        let (stop2, state2) = (stop.clone(), state.clone());
        let accept_thread = thread::Builder::new()
            .name("fakedockerd".into())
            .spawn(move || accept_loop(listener, stop2, state2))?;
        Ok(FakeDaemon {
            socket,
            stop,
            state,
            accept_thread: Some(accept_thread),
        })
    }

    pub(super) fn socket(&self) -> &Path {
        &self.socket
    }

    pub(super) fn take_capture(&self, key: &str) -> Option<Capture> {
        self.state.captures.lock().unwrap().remove(key)
    }

    pub(super) fn errors(&self) -> Vec<String> {
        self.state.errors.lock().unwrap().clone()
    }
}

impl Drop for FakeDaemon {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.accept_thread.take() {
            let _ = t.join();
        }
        let _ = fs::remove_file(&self.socket);
    }
}

fn accept_loop(listener: UnixListener, stop: Arc<AtomicBool>, state: Arc<DaemonState>) {
    let fd = listener.as_raw_fd();
    while !stop.load(Ordering::SeqCst) {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: `pfd` is a valid, exclusively borrowed pollfd for the whole call.
        let ready = unsafe { libc::poll(&mut pfd, 1, 100) };
        if ready <= 0 {
            continue;
        }
        match listener.accept() {
            Ok((stream, _)) => {
                let st = state.clone();
                let spawned = thread::Builder::new()
                    .name("fakedockerd-conn".into())
                    .spawn(move || {
                        if let Err(e) = serve_connection(stream, &st) {
                            let mut errs = st.errors.lock().unwrap();
                            if errs.len() < 50 {
                                errs.push(e.to_string());
                            }
                        }
                    });
                if let Err(e) = spawned {
                    state.errors.lock().unwrap().push(format!("spawn: {e}"));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => {
                state.errors.lock().unwrap().push(format!("accept: {e}"));
                thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

/// Reads one line ending in `\n` (the `\r\n` or `\n` is removed). `None` at a clean EOF.
fn read_http_line(r: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    let n = r.by_ref().take(64 * 1024).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.pop() != Some(b'\n') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "HTTP line too long or truncated",
        ));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(buf))
}

fn serve_connection(stream: UnixStream, state: &DaemonState) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut out = stream.try_clone()?;
    let mut inp = BufReader::with_capacity(1 << 16, stream);
    loop {
        let Some(line) = read_http_line(&mut inp)? else {
            return Ok(());
        };
        if line.is_empty() {
            continue;
        }
        let request_line = String::from_utf8_lossy(&line).into_owned();
        let mut parts = request_line.split(' ');
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let mut headers: Vec<(String, String)> = Vec::new();
        loop {
            let h = read_http_line(&mut inp)?.ok_or_else(|| {
                io::Error::new(io::ErrorKind::UnexpectedEof, "EOF in HTTP headers")
            })?;
            if h.is_empty() {
                break;
            }
            if headers.len() > 256 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "too many headers",
                ));
            }
            let h = String::from_utf8_lossy(&h).into_owned();
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let body = read_body(
            &mut inp,
            header("transfer-encoding"),
            header("content-length"),
        )?;
        let close = header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
        let head = method == "HEAD";
        match (method.as_str(), path) {
            ("HEAD" | "GET", p) if p.ends_with("/_ping") => respond(
                &mut out,
                200,
                "text/plain; charset=utf-8",
                b"OK",
                head,
                &[("Cache-Control", "no-cache, no-store, must-revalidate")],
            )?,
            ("GET", p) if p.ends_with("/version") => {
                let v = br#"{"Version":"28.2.2","ApiVersion":"1.50","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64"}"#;
                respond(&mut out, 200, "application/json", v, false, &[])?
            }
            ("POST", p) if p.ends_with("/build") => {
                let key = build_key(query);
                let n = body.len();
                state.captures.lock().unwrap().insert(key, Capture { body });
                let reply = format!(
                    "{{\"stream\":\"captured {n} bytes\\n\"}}\r\n{{\"aux\":{{\"ID\":\"sha256:{}\"}}}}\r\n",
                    "0".repeat(64)
                );
                respond(
                    &mut out,
                    200,
                    "application/json",
                    reply.as_bytes(),
                    false,
                    &[],
                )?
            }
            (_, p) => {
                let msg = format!(
                    "{{\"message\":\"fakedockerd: not implemented: {}\"}}",
                    p.replace('"', "'")
                );
                respond(&mut out, 404, "application/json", msg.as_bytes(), head, &[])?
            }
        }
        if close {
            return Ok(());
        }
    }
}

fn read_body(
    inp: &mut impl BufRead,
    transfer_encoding: Option<&str>,
    content_length: Option<&str>,
) -> io::Result<Vec<u8>> {
    let bad = |m: String| io::Error::new(io::ErrorKind::InvalidData, m);
    let mut body = Vec::new();
    if transfer_encoding.is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        loop {
            let line = read_http_line(inp)?.ok_or_else(|| bad("EOF before a chunk size".into()))?;
            let text = String::from_utf8_lossy(&line);
            let hex = text.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(hex, 16)
                .map_err(|_| bad(format!("bad chunk size {hex:?}")))?;
            if size == 0 {
                // Optional trailers, then the empty line.
                while let Some(t) = read_http_line(inp)? {
                    if t.is_empty() {
                        break;
                    }
                }
                return Ok(body);
            }
            if body.len() + size > MAX_BODY {
                return Err(bad("request body too large".into()));
            }
            let start = body.len();
            body.resize(start + size, 0);
            inp.read_exact(&mut body[start..])?;
            let crlf = read_http_line(inp)?.ok_or_else(|| bad("EOF after a chunk".into()))?;
            if !crlf.is_empty() {
                return Err(bad("chunk not followed by CRLF".into()));
            }
        }
    }
    let len: usize = match content_length {
        None => 0,
        Some(v) => v
            .parse()
            .map_err(|_| bad(format!("bad Content-Length {v:?}")))?,
    };
    if len > MAX_BODY {
        return Err(bad("request body too large".into()));
    }
    body.resize(len, 0);
    inp.read_exact(&mut body)?;
    Ok(body)
}

fn respond(
    out: &mut impl Write,
    code: u16,
    ctype: &str,
    body: &[u8],
    head: bool,
    extra: &[(&str, &str)],
) -> io::Result<()> {
    let reason = if code == 200 { "OK" } else { "Not Found" };
    let mut h = format!(
        "HTTP/1.1 {code} {reason}\r\nServer: ctxsize-fakedockerd\r\nApi-Version: 1.50\r\nBuilder-Version: 1\r\nOstype: linux\r\nDocker-Experimental: false\r\n"
    );
    for (k, v) in extra {
        let _ = write!(h, "{k}: {v}\r\n");
    }
    let _ = write!(
        h,
        "Content-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut msg = h.into_bytes();
    if !head {
        msg.extend_from_slice(body);
    }
    out.write_all(&msg)?;
    out.flush()
}

/// The capture key: the `CTXSIZE_CASE` build arg from the `buildargs` query parameter.
pub(super) fn build_key(query: &str) -> String {
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if percent_decode(k) != b"buildargs" {
            continue;
        }
        if let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(&percent_decode(v)) {
            if let Some(serde_json::Value::String(s)) = m.get(BUILD_ARG) {
                return s.clone();
            }
        }
    }
    String::new()
}

pub(super) fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
                {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}
