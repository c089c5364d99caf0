use super::*;

#[test]
fn bytes_and_paths_round_trip() {
    for s in ["a", "a/b/c", "é/ü.txt", "sp ace"] {
        let p = bytes_to_path(s.as_bytes());
        let back = os_bytes(p.as_os_str()).into_owned();
        let want = if cfg!(windows) {
            s.replace('/', "\\")
        } else {
            s.to_string()
        };
        assert_eq!(back, want.as_bytes());
    }
    #[cfg(unix)]
    {
        let raw = b"bad\xffname";
        assert_eq!(os_bytes(bytes_to_path(raw).as_os_str()).as_ref(), raw);
    }
    assert_eq!(abs_path(Path::new("/r"), b""), PathBuf::from("/r"));
    assert_eq!(last_component(b"a/b/c"), b"c");
    assert_eq!(last_component(b"c"), b"c");
}

#[cfg(unix)]
#[test]
fn field_conversions_saturate() {
    assert_eq!(unsigned(-1i64), 0);
    assert_eq!(unsigned(7u16), 7);
    assert_eq!(signed(u64::MAX), i64::MAX);
    assert_eq!(signed(-5i32), -5);
}

/// Lists a directory and reads files through one backend.
struct Probe<'a> {
    dir: &'a Path,
}

type Listing = Vec<(Vec<u8>, Option<Kind>, Kind, u64)>;

impl WithFs for Probe<'_> {
    type Out = (Listing, Vec<(bool, Vec<u8>)>);

    fn run<F: Fs>(self, fs: &F) -> Self::Out {
        let mut root = fs.open_root(self.dir).unwrap();
        let mut scratch = F::Scratch::default();
        let mut seen = Vec::new();
        fs.read_dir(&mut root, &mut scratch, |e| {
            let st = e.lstat().unwrap();
            seen.push((e.name().to_vec(), e.kind_hint(), st.kind, st.size));
            true
        })
        .unwrap();
        seen.sort_by(|a, b| a.0.cmp(&b.0));
        let mut reads = Vec::new();
        let mut buf = Vec::new();
        for (rel, max) in [
            (&b"f"[..], 100),
            (b"f", 3),
            (b"sub/g", 10),
            (b"missing", 10),
        ] {
            let ok = fs.read_file(&root, rel, max, &mut buf);
            reads.push((ok, if ok { buf.clone() } else { Vec::new() }));
        }
        let sub = fs.open_dir(&root, b"sub").unwrap();
        let ok = fs.read_file(&sub, b"g", 10, &mut buf);
        reads.push((ok, buf.clone()));
        assert!(fs.open_dir(&root, b"f").is_err() || !fs.opens_relative());
        (seen, reads)
    }
}

#[test]
fn every_backend_lists_stats_and_reads_alike() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("f"), b"hello").unwrap();
    std::fs::create_dir(d.path().join("sub")).unwrap();
    std::fs::write(d.path().join("sub/g"), b"gg").unwrap();
    let want_reads = vec![
        (true, b"hello".to_vec()),
        (false, Vec::new()),
        (true, b"gg".to_vec()),
        (false, Vec::new()),
        (true, b"gg".to_vec()),
    ];
    let mut first: Option<Listing> = None;
    for &b in Backend::available() {
        let (seen, reads) = with_fs(b, Probe { dir: d.path() });
        assert_eq!(reads, want_reads, "{b:?}");
        let kinds: Vec<(Vec<u8>, Kind, u64)> =
            seen.iter().map(|s| (s.0.clone(), s.2, s.3)).collect();
        assert_eq!(kinds[0], (b"f".to_vec(), Kind::File, 5), "{b:?}");
        assert_eq!(kinds[1].1, Kind::Dir, "{b:?}");
        assert_eq!(kinds.len(), 2, "{b:?}");
        match &first {
            None => first = Some(seen),
            Some(f) => assert_eq!(
                f.iter().map(|s| (&s.0, s.2)).collect::<Vec<_>>(),
                seen.iter().map(|s| (&s.0, s.2)).collect::<Vec<_>>()
            ),
        }
    }
}

#[cfg(unix)]
#[test]
fn symlinks_are_never_followed() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("real")).unwrap();
    std::fs::write(d.path().join("real/f"), b"secret").unwrap();
    std::os::unix::fs::symlink("real", d.path().join("ln")).unwrap();
    std::os::unix::fs::symlink("real/f", d.path().join("lf")).unwrap();
    struct P<'a>(&'a Path);
    impl WithFs for P<'_> {
        type Out = (bool, bool, Vec<(Vec<u8>, Kind)>);
        fn run<F: Fs>(self, fs: &F) -> Self::Out {
            let mut root = fs.open_root(self.0).unwrap();
            let mut buf = Vec::new();
            let read_link_file = fs.read_file(&root, b"lf", 100, &mut buf);
            let open_link_dir = fs.opens_relative() && fs.open_dir(&root, b"ln").is_ok();
            let mut kinds = Vec::new();
            fs.read_dir(&mut root, &mut F::Scratch::default(), |e| {
                kinds.push((e.name().to_vec(), e.lstat().unwrap().kind));
                true
            })
            .unwrap();
            kinds.sort_by(|a, b| a.0.cmp(&b.0));
            (read_link_file, open_link_dir, kinds)
        }
    }
    for &b in Backend::available() {
        let (rf, od, kinds) = with_fs(b, P(d.path()));
        assert!(!rf, "{b:?} read a file through a symlink");
        assert!(!od, "{b:?} opened a directory through a symlink");
        assert_eq!(
            kinds,
            vec![
                (b"lf".to_vec(), Kind::Symlink),
                (b"ln".to_vec(), Kind::Symlink),
                (b"real".to_vec(), Kind::Dir)
            ],
            "{b:?}"
        );
    }
}

/// The Linux backend leaves access times as they were: reading a file and listing a directory
/// whose access times are stale (as in a fresh checkout) writes no new ones.
#[cfg(target_os = "linux")]
#[test]
fn reads_leave_access_times_alone() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::MetadataExt;
    let d = tempfile::tempdir().unwrap();
    for f in ["f", "control"] {
        std::fs::write(d.path().join(f), b"hello").unwrap();
    }
    std::fs::create_dir(d.path().join("sub")).unwrap();
    std::fs::write(d.path().join("sub/g"), b"g").unwrap();
    let stale = |p: &Path| {
        let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
        let times = [
            libc::timespec {
                tv_sec: 1_000_000_000,
                tv_nsec: 0,
            },
            libc::timespec {
                tv_sec: 0,
                tv_nsec: libc::UTIME_OMIT,
            },
        ];
        // SAFETY: a NUL-terminated path and two timespecs, as utimensat(2) takes them.
        let r = unsafe { libc::utimensat(libc::AT_FDCWD, c.as_ptr(), times.as_ptr(), 0) };
        assert_eq!(r, 0);
    };
    let atime = |rel: &str| std::fs::metadata(d.path().join(rel)).unwrap().atime();
    for rel in ["f", "control", "sub"] {
        stale(&d.path().join(rel));
    }
    // The control: a plain read updates a stale access time here (relatime does), else this
    // file system records none and there is nothing to tell apart.
    std::fs::read(d.path().join("control")).unwrap();
    if atime("control") == 1_000_000_000 {
        eprintln!("skipped: this file system does not update access times");
        return;
    }
    struct P<'a>(&'a Path);
    impl WithFs for P<'_> {
        type Out = ();
        fn run<F: Fs>(self, fs: &F) {
            let root = fs.open_root(self.0).unwrap();
            let mut buf = Vec::new();
            assert!(fs.read_file(&root, b"f", 100, &mut buf));
            assert_eq!(buf, b"hello");
            let mut sub = fs.open_dir(&root, b"sub").unwrap();
            let mut n = 0;
            fs.read_dir(&mut sub, &mut F::Scratch::default(), |_| {
                n += 1;
                true
            })
            .unwrap();
            assert_eq!(n, 1);
        }
    }
    with_fs(Backend::Linux, P(d.path()));
    assert_eq!(
        atime("f"),
        1_000_000_000,
        "a file's access time was written"
    );
    assert_eq!(
        atime("sub"),
        1_000_000_000,
        "a directory's access time was written"
    );
}
