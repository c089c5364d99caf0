//! The decision of docker/cli `processBuilder` (cmd/docker/builder.go) and the plugin lookup of
//! `cli-plugins/manager` (`getPluginDirs`, `addPluginCandidatesFromDir`), on temporary
//! directories standing in for the plugin directories.

use super::*;
use crate::walk::Builder;

/// A machine: a config dir (DOCKER_CONFIG) and a PATH dir under one temporary directory.
struct Machine {
    dir: tempfile::TempDir,
}

impl Machine {
    fn new(docker: bool) -> Machine {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("bin")).unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        if docker {
            std::fs::write(dir.path().join("bin/docker"), "#!/bin/sh\n").unwrap();
        }
        Machine { dir }
    }

    fn lookup(&self) -> Lookup {
        Lookup {
            docker_config: Some(self.dir.path().join("config").into_os_string()),
            home: Some(self.dir.path().join("home")),
            path: Some(self.dir.path().join("bin").into_os_string()),
            program_files: None,
            windows: false,
        }
    }

    fn plugin(&self, rel: &str) -> PathBuf {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, "").unwrap();
        p
    }

    fn setup(&self) -> Setup {
        Setup::detect(&self.lookup())
    }
}

#[test]
fn plugin_dirs_in_docker_cli_order() {
    let m = Machine::new(true);
    let l = m.lookup();
    let d = plugin_dirs(&l, &ConfigFile::default());
    assert_eq!(d[0], m.dir.path().join("config/cli-plugins"));
    assert_eq!(
        &d[1..],
        [
            "/usr/local/lib/docker/cli-plugins",
            "/usr/local/libexec/docker/cli-plugins",
            "/usr/lib/docker/cli-plugins",
            "/usr/libexec/docker/cli-plugins"
        ]
        .map(PathBuf::from)
    );
    // cliPluginsExtraDirs come first; without DOCKER_CONFIG the config dir is ~/.docker.
    let cfg = ConfigFile {
        extra_dirs: vec!["/opt/x".into()],
        builder_alias: None,
    };
    let l2 = Lookup {
        docker_config: None,
        ..l.clone()
    };
    let d = plugin_dirs(&l2, &cfg);
    assert_eq!(d[0], PathBuf::from("/opt/x"));
    assert_eq!(d[1], m.dir.path().join("home/.docker/cli-plugins"));
    // Windows: %ProgramFiles%\Docker\cli-plugins and .exe names.
    let w = Lookup {
        windows: true,
        program_files: Some("C:/Program Files".into()),
        ..l
    };
    let d = plugin_dirs(&w, &ConfigFile::default());
    assert_eq!(d.len(), 2);
    assert_eq!(d[1], PathBuf::from("C:/Program Files/Docker/cli-plugins"));
    assert_eq!(w.exe("docker-buildx"), "docker-buildx.exe");
}

#[test]
fn docker_without_buildx_uses_the_classic_builder() {
    let m = Machine::new(true);
    let s = m.setup();
    assert!(s.docker.is_some());
    assert_eq!(s.found, None);
    assert_eq!(decide(None, Some(&s)), Outcome::ClassicNoBuildx);
    // An empty DOCKER_BUILDKIT is unset (os.Getenv).
    assert_eq!(decide(Some(""), Some(&s)), Outcome::ClassicNoBuildx);
    let n = note(Builder::Buildkit, None, Some(&s)).unwrap();
    assert!(n.contains("the buildx plugin is not in"), "{n}");
    assert!(n.contains("uses the classic builder"), "{n}");
    assert!(n.contains("--builder classic"), "{n}");
    // One short line: the first directory looked in, then how many others.
    assert!(n.len() < 220, "{} chars: {n}", n.len());
    assert!(!n.contains(", /"), "{n}");
    assert!(n.contains(
        &m.dir
            .path()
            .join("config/cli-plugins")
            .display()
            .to_string()
    ));
    assert_eq!(note(Builder::Classic, None, Some(&s)), None);
    // DOCKER_BUILDKIT=1 then makes docker build fail.
    assert_eq!(decide(Some("1"), Some(&s)), Outcome::FailsNoBuildx);
    assert!(note(Builder::Buildkit, Some("true"), Some(&s))
        .unwrap()
        .contains("docker build fails"));
    // DOCKER_BUILDKIT=0: the classic builder whatever is installed.
    assert_eq!(decide(Some("0"), Some(&s)), Outcome::ClassicByEnv);
}

#[test]
fn buildx_in_the_config_dir_or_extra_dirs_is_found() {
    let m = Machine::new(true);
    let p = m.plugin("config/cli-plugins/docker-buildx");
    let s = m.setup();
    assert_eq!(s.found.as_deref(), Some(p.as_path()));
    assert_eq!(decide(None, Some(&s)), Outcome::Buildkit);
    assert_eq!(note(Builder::Buildkit, None, Some(&s)), None);
    assert!(note(Builder::Classic, None, Some(&s))
        .unwrap()
        .contains("uses BuildKit"));
    // A plugin in a cliPluginsExtraDirs directory (Docker Desktop configures one).
    let m = Machine::new(true);
    let p = m.plugin("desktop/cli-plugins/docker-buildx");
    std::fs::write(
        m.dir.path().join("config/config.json"),
        format!(
            "{{\"cliPluginsExtraDirs\": [{}]}}",
            serde_json::to_string(&p.parent().unwrap()).unwrap()
        ),
    )
    .unwrap();
    assert_eq!(m.setup().found.as_deref(), Some(p.as_path()));
    // A file without the docker- prefix is not the plugin.
    let m = Machine::new(true);
    m.plugin("config/cli-plugins/buildx");
    assert_eq!(m.setup().found, None);
}

#[cfg(unix)]
#[test]
fn a_broken_symlink_is_not_a_plugin() {
    let m = Machine::new(true);
    let dir = m.dir.path().join("config/cli-plugins");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink("/nonexistent/docker-buildx", dir.join("docker-buildx")).unwrap();
    assert_eq!(m.setup().found, None);
    let target = m.plugin("real/docker-buildx");
    std::fs::remove_file(dir.join("docker-buildx")).unwrap();
    std::os::unix::fs::symlink(&target, dir.join("docker-buildx")).unwrap();
    assert!(m.setup().found.is_some());
}

#[test]
fn a_builder_alias_requires_its_plugin() {
    let m = Machine::new(true);
    std::fs::write(
        m.dir.path().join("config/config.json"),
        r#"{"aliases": {"builder": "mybuilder"}}"#,
    )
    .unwrap();
    m.plugin("config/cli-plugins/docker-buildx");
    let s = m.setup();
    assert_eq!((s.plugin.as_str(), s.alias), ("mybuilder", true));
    assert_eq!(decide(None, Some(&s)), Outcome::FailsNoBuildx);
    assert!(note(Builder::Buildkit, None, Some(&s))
        .unwrap()
        .contains("builder alias mybuilder"));
    m.plugin("config/cli-plugins/docker-mybuilder");
    assert_eq!(decide(None, Some(&m.setup())), Outcome::Buildkit);
}

#[test]
fn without_docker_only_the_variable_decides() {
    let m = Machine::new(false);
    let s = m.setup();
    assert_eq!(s.docker, None);
    assert_eq!(decide(None, Some(&s)), Outcome::Unknown);
    assert_eq!(note(Builder::Buildkit, None, Some(&s)), None);
    assert_eq!(decide(Some("0"), Some(&s)), Outcome::ClassicByEnv);
    assert_eq!(decide(Some("yes"), Some(&s)), Outcome::FailsBadEnv);
    assert!(note(Builder::Classic, Some("1"), Some(&s))
        .unwrap()
        .contains("DOCKER_BUILDKIT=1 is set"));
}
