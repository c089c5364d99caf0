//! Every backend gives the same tree, on any thread count.

use super::*;
use crate::dockerignore::PatternSet;
use crate::tree::{Kind, State, ROOT};

/// What a walk found, in a form that does not depend on the order entries were read in.
#[derive(Debug, PartialEq, Eq)]
struct Canon {
    nodes: Vec<(Vec<u8>, u8, u8, u64, u32)>,
    pruned: Vec<(Vec<u8>, u64, u64)>,
    links: Vec<(Vec<u8>, bool)>,
    warnings: Vec<String>,
    tar_stop: Option<(Vec<u8>, usize)>,
    tar_cut: Option<Vec<u8>>,
}

fn canon(t: &Tree) -> Canon {
    let mut nodes: Vec<_> = (0..t.nodes.len() as u32)
        .map(|i| {
            let n = &t.nodes[i as usize];
            (t.path(i), n.kind as u8, n.state as u8, n.size, n.hdr)
        })
        .collect();
    nodes.sort();
    assert!(
        t.pruned.windows(2).all(|w| w[0].0 < w[1].0),
        "one pruned total per directory, sorted: {:?}",
        t.pruned
    );
    let mut pruned: Vec<_> = t
        .pruned
        .iter()
        .map(|&(id, f, b)| (if id == ROOT { Vec::new() } else { t.path(id) }, f, b))
        .collect();
    // One directory's totals may arrive in several parts (one per directory read below it).
    pruned.sort();
    let mut merged: Vec<(Vec<u8>, u64, u64)> = Vec::new();
    for (p, f, b) in pruned {
        match merged.last_mut() {
            Some(last) if last.0 == p => {
                last.1 += f;
                last.2 += b;
            }
            _ => merged.push((p, f, b)),
        }
    }
    let mut links: Vec<_> = t
        .links
        .iter()
        .map(|c| (t.path(c.node), c.ino != 0))
        .collect();
    links.sort();
    Canon {
        nodes,
        pruned: merged,
        links,
        warnings: t.warnings.clone(),
        tar_stop: t.tar_stop.clone(),
        tar_cut: t.tar_cut.clone(),
    }
}

fn tree_dir() -> tempfile::TempDir {
    let d = crate::testutil::ctx(
        &[
            "Dockerfile",
            "src/a.rs",
            "src/deep/er/x.txt",
            "node_modules/pkg/index.js",
            "node_modules/pkg/keep/me.js",
            "logs/a.log",
            "logs/keep.log",
            "empty/",
            "build/out/bin",
            "sp ace/é.txt",
        ],
        "node_modules\n!node_modules/pkg/keep\nlogs/*.log\n!logs/keep.log\nbuild/**\n",
        b"hello\n",
    );
    let p = d.path();
    std::fs::write(p.join("big.bin"), vec![7u8; 100_000]).unwrap();
    std::fs::write(p.join("L".repeat(120)), b"long name").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::os::unix::fs::symlink("src", p.join("link-dir")).unwrap();
        std::os::unix::fs::symlink("nowhere/at/all", p.join("dangling")).unwrap();
        std::os::unix::fs::symlink("x".repeat(150), p.join("long-link")).unwrap();
        std::fs::hard_link(p.join("src/a.rs"), p.join("src/hard.rs")).unwrap();
        std::fs::write(p.join(std::ffi::OsStr::from_bytes(b"bad\xffname")), b"x").unwrap();
        let _sock = std::os::unix::net::UnixListener::bind(p.join("sock")).unwrap();
        // The socket file stays after the listener is dropped.
    }
    d
}

fn plan<'a>(
    root: &'a std::path::Path,
    m: &'a FastMatcher,
    builder: Builder,
    prune: Prune,
    threads: usize,
) -> WalkPlan<'a> {
    WalkPlan {
        root,
        matcher: m,
        builder,
        raw_len: m.set().patterns().len(),
        prune,
        threads,
        progress: None,
        excluded_sizes: true,
        podman: false,
        podman_remote: false,
    }
}

#[test]
fn every_backend_and_thread_count_gives_the_same_tree() {
    let d = tree_dir();
    let text = std::fs::read(d.path().join(".dockerignore")).unwrap();
    let m = FastMatcher::new(PatternSet::parse(&text).unwrap());
    let prunes = [
        Prune::Buildkit {
            prefixes: None,
            has_exclusions: true,
            reach: None,
        },
        Prune::Buildkit {
            prefixes: None,
            has_exclusions: true,
            reach: Some(vec![b"node_modules/pkg/keep".to_vec(), b"logs".to_vec()]),
        },
        Prune::Classic {
            has_exclusions: true,
            prefixes: vec![
                b"node_modules/pkg/keep/".to_vec(),
                b"logs/keep.log/".to_vec(),
            ],
        },
    ];
    for builder in [Builder::Buildkit, Builder::Classic] {
        for prune in &prunes {
            let reference = {
                let p = plan(d.path(), &m, builder, prune.clone(), 1);
                canon(&walk_with(&p, Backend::native()).unwrap())
            };
            assert!(reference.nodes.len() > 15, "{reference:?}");
            for &backend in Backend::available() {
                for threads in [1, 2, 5] {
                    let p = plan(d.path(), &m, builder, prune.clone(), threads);
                    let got = canon(&walk_with(&p, backend).unwrap());
                    assert_eq!(
                        got, reference,
                        "{backend:?}, {threads} threads, {builder:?}, {prune:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn without_sizes_the_same_tree_and_unopened_directories_measure_what_the_full_walk_counted() {
    let d = tree_dir();
    // A deeper excluded tree, and an excluded directory no exception reaches.
    for f in ["build/out/a/b/c", "build/out/a/d", "vendor/x/y/z.go"] {
        let p = d.path().join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"0123456789").unwrap();
    }
    let text =
        b"node_modules\n!node_modules/pkg/keep\nlogs/*.log\n!logs/keep.log\nbuild/**\nvendor\n";
    let m = FastMatcher::new(PatternSet::parse(text).unwrap());
    let prunes = [
        Prune::Buildkit {
            prefixes: None,
            has_exclusions: true,
            reach: None,
        },
        Prune::Buildkit {
            prefixes: None,
            has_exclusions: true,
            reach: Some(vec![b"node_modules/pkg/keep".to_vec(), b"logs".to_vec()]),
        },
        Prune::Buildkit {
            prefixes: Some(vec![
                b"node_modules/pkg/keep/".to_vec(),
                b"logs/keep.log/".to_vec(),
            ]),
            has_exclusions: true,
            reach: None,
        },
        Prune::Classic {
            has_exclusions: true,
            prefixes: vec![
                b"node_modules/pkg/keep/".to_vec(),
                b"logs/keep.log/".to_vec(),
            ],
        },
    ];
    let mut skipped = 0;
    for builder in [Builder::Buildkit, Builder::Classic] {
        for prune in &prunes {
            let full_tree = walk_with(
                &plan(d.path(), &m, builder, prune.clone(), 2),
                Backend::native(),
            )
            .unwrap();
            assert!(full_tree.unmeasured.is_empty());
            let full = canon(&full_tree);
            for &backend in Backend::available() {
                for threads in [1, 2] {
                    let mut p = plan(d.path(), &m, builder, prune.clone(), threads);
                    p.excluded_sizes = false;
                    let t = walk_with(&p, backend).unwrap();
                    let got = canon(&t);
                    let what = format!("{backend:?}, {threads} threads, {builder:?}, {prune:?}");
                    // Every node (sent or excluded, sizes included), link and tar end the same.
                    assert_eq!(got.nodes, full.nodes, "{what}");
                    assert_eq!(got.links, full.links, "{what}");
                    assert_eq!(
                        (&got.tar_stop, &got.tar_cut),
                        (&full.tar_stop, &full.tar_cut)
                    );
                    // What was left unopened, sized on its own, plus what was counted, is what the
                    // full walk counted.
                    let mut sum = got.pruned.clone();
                    for &id in &t.unmeasured {
                        let path = t.path(id);
                        let (f, b) = measure_dir(d.path(), &path);
                        sum.retain(|x| x.0 != path);
                        sum.push((path, f, b));
                    }
                    sum.retain(|x| x.1 > 0 || x.2 > 0);
                    sum.sort();
                    let mut want = full.pruned.clone();
                    want.retain(|x| x.1 > 0 || x.2 > 0);
                    assert_eq!(sum, want, "{what}");
                    let names: Vec<Vec<u8>> = t.unmeasured.iter().map(|&i| t.path(i)).collect();
                    if matches!(
                        prune,
                        Prune::Buildkit {
                            prefixes: None,
                            reach: None,
                            ..
                        }
                    ) {
                        // BuildKit with a wildcard exception walks everything (B4).
                        assert!(names.is_empty(), "{what}: {names:?}");
                    } else {
                        assert!(names.contains(&b"vendor".to_vec()), "{what}: {names:?}");
                        assert!(!names
                            .iter()
                            .any(|n| n.starts_with(b"node_modules/pkg/keep")));
                        skipped += names.len();
                    }
                }
            }
        }
    }
    assert!(skipped > 0);
}

#[test]
fn the_tree_holds_what_is_on_disk() {
    let d = tree_dir();
    let text = std::fs::read(d.path().join(".dockerignore")).unwrap();
    let m = FastMatcher::new(PatternSet::parse(&text).unwrap());
    let all = Prune::Buildkit {
        prefixes: None,
        has_exclusions: true,
        reach: None,
    };
    for &backend in Backend::available() {
        let t = walk_with(
            &plan(d.path(), &m, Builder::Buildkit, all.clone(), 2),
            backend,
        )
        .unwrap();
        let c = canon(&t);
        let find = |p: &str| {
            c.nodes
                .iter()
                .find(|n| n.0 == p.as_bytes())
                .unwrap_or_else(|| panic!("{backend:?}: {p} missing"))
                .clone()
        };
        assert_eq!(find("big.bin").3, 100_000);
        assert_eq!(find("big.bin").2, State::Sent as u8);
        assert_eq!(find("node_modules").2, State::ExcludedWalked as u8);
        assert_eq!(find("node_modules/pkg/keep/me.js").2, State::Sent as u8);
        assert_eq!(find("node_modules/pkg/index.js").2, State::Excluded as u8);
        assert_eq!(find("logs/a.log").2, State::Excluded as u8);
        assert_eq!(find("logs/keep.log").2, State::Sent as u8);
        assert_eq!(find("empty").1, Kind::Dir as u8);
        // 120-byte name: a PAX header.
        assert_eq!(find(&"L".repeat(120)).4, 1536);
        #[cfg(unix)]
        {
            assert_eq!(find("link-dir").1, Kind::Symlink as u8);
            assert_eq!(find("dangling").1, Kind::Symlink as u8);
            // The link target is read: 150 bytes need a PAX header.
            assert_eq!(find("long-link").4, 1536);
            // BuildKit sends a socket as an empty file.
            assert_eq!(find("sock").1, Kind::File as u8);
            assert!(c.nodes.iter().any(|n| n.0 == b"bad\xffname"));
            let links: Vec<&[u8]> = c.links.iter().map(|l| l.0.as_slice()).collect();
            assert_eq!(links, [&b"src/a.rs"[..], b"src/hard.rs"]);
            // Nothing below the directory symlink was walked.
            assert!(!c.nodes.iter().any(|n| n.0.starts_with(b"link-dir/")));
        }
    }
}

#[test]
fn a_missing_root_is_an_error_on_every_backend() {
    let d = tempfile::tempdir().unwrap();
    let gone = d.path().join("gone");
    let m = FastMatcher::new(PatternSet::parse(b"").unwrap());
    let all = Prune::Buildkit {
        prefixes: None,
        has_exclusions: false,
        reach: None,
    };
    for &backend in Backend::available() {
        let e =
            walk_with(&plan(&gone, &m, Builder::Buildkit, all.clone(), 2), backend).unwrap_err();
        assert!(
            matches!(e.kind, WalkErrorKind::Root(c) if c != 0),
            "{backend:?}: {e:?}"
        );
    }
}

#[test]
fn backends_parse_and_name() {
    for &b in Backend::available() {
        assert_eq!(Backend::parse(b.name()), Some(b));
    }
    assert_eq!(Backend::parse(""), Some(Backend::native()));
    assert_eq!(Backend::parse("nonsense"), None);
    if cfg!(not(target_os = "linux")) {
        assert_eq!(Backend::parse("linux"), None);
    }
}

#[test]
fn default_threads_exceed_the_cpus() {
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    let t = super::sched::default_threads();
    assert!(
        t >= 4 && t > cpus && t <= super::local::MAX_THREADS,
        "{t} threads for {cpus} CPUs"
    );
}

#[test]
fn read_files_gives_the_same_on_any_thread_count() {
    let d = tempfile::tempdir().unwrap();
    let mut rels: Vec<Vec<u8>> = Vec::new();
    for k in 0..40 {
        let rel = format!("d{}/f{k}.txt", k % 3);
        let p = d.path().join(&rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, "x".repeat(k)).unwrap();
        rels.push(rel.into_bytes());
    }
    // One path that is not there is skipped, one file over `max` too.
    rels.push(b"d0/missing".to_vec());
    std::fs::write(d.path().join("big"), vec![b'y'; 100]).unwrap();
    rels.push(b"big".to_vec());
    let runs: Vec<Vec<(usize, usize)>> = [1, 2, 7]
        .iter()
        .map(|&t| {
            let mut v = read_files(d.path(), &rels[..], 50, t, |i, p, b| {
                assert_eq!(p, &rels[i][..]);
                Some((i, b.len()))
            });
            v.sort_unstable();
            v
        })
        .collect();
    let want: Vec<(usize, usize)> = (0..40).map(|k| (k, k)).collect();
    for r in &runs {
        assert_eq!(r, &want);
    }
}

/// Sleeps until every file changed before now is older than the fingerprint's settle time.
#[cfg(unix)]
fn wait_until_settled() {
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
    };
    let until = now().floor() + crate::tree::SETTLE_SECS as f64 + 1.05;
    while now() < until {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[cfg(unix)]
#[test]
fn fingerprints_of_settled_sent_files_only_on_every_backend() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::create_dir_all(p.join("src")).unwrap();
    std::fs::create_dir_all(p.join("logs")).unwrap();
    std::fs::write(p.join("src/a.ts"), "a").unwrap();
    std::fs::write(p.join("src/b.ts"), "bb").unwrap();
    std::fs::write(p.join("src/empty"), "").unwrap();
    std::fs::write(p.join("logs/x.log"), "log").unwrap();
    std::os::unix::fs::symlink("a.ts", p.join("src/link")).unwrap();
    std::fs::write(p.join(".dockerignore"), "logs\n").unwrap();
    wait_until_settled();
    // Rewritten just before the walk: not settled, no fingerprint.
    std::fs::write(p.join("src/b.ts"), "cc").unwrap();
    let m = FastMatcher::new(PatternSet::parse(b"logs\n").unwrap());
    let prune = Prune::Buildkit {
        prefixes: None,
        has_exclusions: false,
        reach: None,
    };
    let mut seen = Vec::new();
    for &backend in Backend::available() {
        let t = walk_with(&plan(p, &m, Builder::Buildkit, prune.clone(), 2), backend).unwrap();
        // By path: node ids (and so the order of `prints`) depend on which thread read what.
        let mut with: Vec<String> = t
            .prints
            .iter()
            .map(|&(id, _)| String::from_utf8_lossy(&t.path(id)).into_owned())
            .collect();
        with.sort();
        assert_eq!(with, [".dockerignore", "src/a.ts"], "{backend:?}");
        let a = t.find(b"src/a.ts").unwrap();
        seen.push(t.print(a).unwrap());
        assert_eq!(t.print(t.find(b"src/b.ts").unwrap()), None);
    }
    // The same file, the same fingerprint through every backend.
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
    // A rewrite with the same size and modification time changes it (the change time moved).
    let before = std::fs::metadata(p.join("src/a.ts"))
        .unwrap()
        .modified()
        .unwrap();
    std::fs::write(p.join("src/a.ts"), "z").unwrap();
    let f = std::fs::File::options()
        .write(true)
        .open(p.join("src/a.ts"))
        .unwrap();
    f.set_modified(before).unwrap();
    drop(f);
    wait_until_settled();
    let t = walk_with(&plan(p, &m, Builder::Buildkit, prune, 2), Backend::native()).unwrap();
    let a = t.find(b"src/a.ts").unwrap();
    assert_ne!(t.print(a), Some(seen[0]));
    assert!(t.print(a).is_some());
}
