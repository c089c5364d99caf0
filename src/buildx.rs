//! Which builder `docker build` really uses on this machine, as docker/cli decides it.
//!
//! docker/cli `cmd/docker/builder.go` (`processBuilder`), read at docker/cli 28f7560:
//! - `DOCKER_BUILDKIT` is read with `os.Getenv` (an empty value is the same as unset) and Go's
//!   `strconv.ParseBool`; anything else is an error. False: the legacy (classic) builder, with a
//!   deprecation warning. True: BuildKit through the buildx plugin, and an error when that plugin
//!   is missing or broken.
//! - A `builder` alias in the config file (`"aliases": {"builder": "…"}`) forwards to that plugin
//!   as `DOCKER_BUILDKIT=1` does.
//! - Otherwise `docker build` goes to the buildx plugin when it is installed, and falls back to
//!   the legacy builder with a deprecation warning ("Install the buildx component to build images
//!   with BuildKit") when it is not. (A Windows daemon that does not advertise BuildKit also gets
//!   the legacy builder; the daemon is not asked here.)
//!
//! Plugins are looked up as `cli-plugins/manager` does (`getPluginDirs`, `manager_unix.go`,
//! `manager_windows.go`): the config file's `cliPluginsExtraDirs`, then `<config dir>/cli-plugins`
//! (the config dir is `DOCKER_CONFIG`, else `~/.docker`), then `/usr/local/lib/docker/cli-plugins`,
//! `/usr/local/libexec/docker/cli-plugins`, `/usr/lib/docker/cli-plugins`,
//! `/usr/libexec/docker/cli-plugins` (Windows: `%ProgramFiles%\Docker\cli-plugins`); the file is
//! `docker-<name>` (Windows: `docker-<name>.exe`), a regular file or a symlink that resolves.
//! The plugin is not run: a present but broken plugin counts as present here (docker would
//! fail or fall back when it cannot read its metadata).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// What the environment says, gathered once (tests build one by hand).
#[derive(Debug, Clone, Default)]
pub(crate) struct Lookup {
    /// `DOCKER_CONFIG`.
    pub docker_config: Option<OsString>,
    /// The home directory (`HOME`, Windows `USERPROFILE`).
    pub home: Option<PathBuf>,
    /// `PATH`.
    pub path: Option<OsString>,
    /// Windows `ProgramFiles`.
    pub program_files: Option<PathBuf>,
    /// Windows rules (`.exe` names, the Windows system directory).
    pub windows: bool,
}

impl Lookup {
    /// From the process environment.
    pub(crate) fn from_env() -> Lookup {
        let windows = cfg!(windows);
        let home_var = if windows { "USERPROFILE" } else { "HOME" };
        Lookup {
            docker_config: std::env::var_os("DOCKER_CONFIG").filter(|v| !v.is_empty()),
            home: std::env::var_os(home_var)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            path: std::env::var_os("PATH"),
            program_files: std::env::var_os("ProgramFiles").map(PathBuf::from),
            windows,
        }
    }

    /// The CLI's config directory: `DOCKER_CONFIG`, else `~/.docker` (docker/cli
    /// cli/config/config.go `Dir`).
    pub(crate) fn config_dir(&self) -> Option<PathBuf> {
        match &self.docker_config {
            Some(d) => Some(PathBuf::from(d)),
            None => self.home.as_ref().map(|h| h.join(".docker")),
        }
    }

    fn exe(&self, name: &str) -> String {
        if self.windows {
            format!("{name}.exe")
        } else {
            name.to_string()
        }
    }

    /// The `docker` executable on `PATH`, if any.
    pub(crate) fn docker(&self) -> Option<PathBuf> {
        let path = self.path.as_ref()?;
        let exe = self.exe("docker");
        std::env::split_paths(path)
            .filter(|d| !d.as_os_str().is_empty())
            .map(|d| d.join(&exe))
            .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file()))
    }
}

/// What `config.json` says that matters here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ConfigFile {
    /// `cliPluginsExtraDirs`.
    pub extra_dirs: Vec<PathBuf>,
    /// `aliases.builder`.
    pub builder_alias: Option<String>,
}

impl ConfigFile {
    /// Reads `<dir>/config.json`; a missing or unreadable file is an empty one (docker warns and
    /// goes on with defaults).
    pub(crate) fn load(dir: &Path) -> ConfigFile {
        let Ok(bytes) = std::fs::read(dir.join("config.json")) else {
            return ConfigFile::default();
        };
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            return ConfigFile::default();
        };
        ConfigFile {
            extra_dirs: v["cliPluginsExtraDirs"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|d| d.as_str())
                        .map(PathBuf::from)
                        .collect()
                })
                .unwrap_or_default(),
            builder_alias: v["aliases"]["builder"].as_str().map(str::to_string),
        }
    }
}

/// The directories docker/cli searches for plugins, in its order of preference.
pub(crate) fn plugin_dirs(l: &Lookup, cfg: &ConfigFile) -> Vec<PathBuf> {
    let mut dirs = cfg.extra_dirs.clone();
    if let Some(c) = l.config_dir() {
        dirs.push(c.join("cli-plugins"));
    }
    if l.windows {
        if let Some(p) = &l.program_files {
            dirs.push(p.join("Docker").join("cli-plugins"));
        }
    } else {
        for d in [
            "/usr/local/lib/docker/cli-plugins",
            "/usr/local/libexec/docker/cli-plugins",
            "/usr/lib/docker/cli-plugins",
            "/usr/libexec/docker/cli-plugins",
        ] {
            dirs.push(PathBuf::from(d));
        }
    }
    dirs
}

/// The first `docker-<name>` in `dirs`: a regular file, or a symlink that resolves (a broken
/// symlink is skipped, as `addPluginCandidatesFromDir` does).
pub(crate) fn find_plugin(l: &Lookup, name: &str, dirs: &[PathBuf]) -> Option<PathBuf> {
    let file = l.exe(&format!("docker-{name}"));
    dirs.iter()
        .map(|d| d.join(&file))
        .find(|p| match std::fs::symlink_metadata(p) {
            Ok(m) if m.file_type().is_symlink() => std::fs::metadata(p).is_ok(),
            Ok(m) => m.is_file(),
            Err(_) => false,
        })
}

/// What was found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Setup {
    /// The `docker` executable (`None`: not installed, nothing is said about it).
    pub docker: Option<PathBuf>,
    /// The plugin `docker build` is forwarded to (`buildx`, or the `builder` alias).
    pub plugin: String,
    /// It was set by a `builder` alias (which makes a missing plugin an error).
    pub alias: bool,
    /// The plugin's file, if found.
    pub found: Option<PathBuf>,
    /// Where it was looked for.
    pub searched: Vec<PathBuf>,
}

impl Setup {
    /// Looks at the machine as `l` describes it.
    pub(crate) fn detect(l: &Lookup) -> Setup {
        let cfg = l
            .config_dir()
            .map(|d| ConfigFile::load(&d))
            .unwrap_or_default();
        let searched = plugin_dirs(l, &cfg);
        let (plugin, alias) = match &cfg.builder_alias {
            Some(a) => (a.clone(), true),
            None => ("buildx".to_string(), false),
        };
        Setup {
            docker: l.docker(),
            found: find_plugin(l, &plugin, &searched),
            plugin,
            alias,
            searched,
        }
    }
}

/// What `docker build` does here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// BuildKit (through the plugin).
    Buildkit,
    /// The legacy (classic) builder: `DOCKER_BUILDKIT` is false.
    ClassicByEnv,
    /// The legacy builder: the plugin is missing (docker prints a deprecation warning).
    ClassicNoBuildx,
    /// docker build fails: BuildKit is required (`DOCKER_BUILDKIT` true or a builder alias) and
    /// the plugin is missing.
    FailsNoBuildx,
    /// docker build fails: `DOCKER_BUILDKIT` is not a boolean.
    FailsBadEnv,
    /// Not known: docker is not installed here and `DOCKER_BUILDKIT` does not decide.
    Unknown,
}

/// `strconv.ParseBool`.
pub(crate) fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `processBuilder`'s decision for `docker build`. `docker_buildkit`: the variable's value
/// (empty is unset); `setup`: what was found (`None`: not looked at).
pub(crate) fn decide(docker_buildkit: Option<&str>, setup: Option<&Setup>) -> Outcome {
    let env = docker_buildkit.filter(|v| !v.is_empty());
    let mut required = false;
    if let Some(v) = env {
        match parse_bool(v) {
            None => return Outcome::FailsBadEnv,
            Some(false) => return Outcome::ClassicByEnv,
            Some(true) => required = true,
        }
    }
    let Some(s) = setup.filter(|s| s.docker.is_some()) else {
        return if required {
            Outcome::Buildkit
        } else {
            Outcome::Unknown
        };
    };
    required |= s.alias;
    match (&s.found, required) {
        (Some(_), _) => Outcome::Buildkit,
        (None, true) => Outcome::FailsNoBuildx,
        (None, false) => Outcome::ClassicNoBuildx,
    }
}

fn searched(s: &Setup) -> String {
    s.searched
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first directory looked in, and how many others (for a one-line note).
fn searched_short(s: &Setup) -> String {
    match s.searched.split_first() {
        None => "any plugin directory".into(),
        Some((first, [])) => first.display().to_string(),
        Some((first, rest)) => format!(
            "{} or {} other plugin director{}",
            first.display(),
            rest.len(),
            if rest.len() == 1 { "y" } else { "ies" }
        ),
    }
}

/// The note for a report analysed with `analysed`: which builder `docker build` really uses
/// here when it is not that one, or why it fails. `None` when they agree or it is not known.
pub(crate) fn note(
    analysed: crate::walk::Builder,
    docker_buildkit: Option<&str>,
    setup: Option<&Setup>,
) -> Option<String> {
    use crate::walk::Builder;
    let esc = crate::render::escape_controls;
    match (decide(docker_buildkit, setup), analysed) {
        (Outcome::FailsBadEnv, _) => Some(format!(
            "DOCKER_BUILDKIT={} is not a boolean: docker build refuses to run with it",
            esc(docker_buildkit.unwrap_or_default())
        )),
        (Outcome::ClassicByEnv, Builder::Buildkit) => Some(
            "DOCKER_BUILDKIT=0 is set: docker build here uses the classic builder, not BuildKit (see --builder classic)".into(),
        ),
        (Outcome::Buildkit, Builder::Classic) if docker_buildkit.is_some_and(|v| !v.is_empty()) => Some(
            "DOCKER_BUILDKIT=1 is set: docker build here uses BuildKit, not the classic builder (see --builder buildkit)".into(),
        ),
        (Outcome::Buildkit, Builder::Classic) => setup
            .and_then(|s| s.found.as_ref())
            .map(|p| format!(
                "docker build here uses BuildKit (the buildx plugin is installed: {}), not the classic builder (see --builder buildkit; DOCKER_BUILDKIT=0 selects the classic builder)",
                esc(&p.display().to_string())
            )),
        (Outcome::ClassicNoBuildx, Builder::Buildkit) => {
            let s = setup.expect("decided from a setup");
            Some(format!(
                "docker build here uses the classic builder, not BuildKit: the {} plugin is not in {}; install it, or analyse with --builder classic",
                esc(&s.plugin),
                esc(&searched_short(s))
            ))
        }
        (Outcome::FailsNoBuildx, _) => {
            let s = setup.expect("decided from a setup");
            Some(format!(
                "{} but the {} plugin is not installed (looked in {}): docker build fails (\"BuildKit is enabled but the buildx component is missing or broken\")",
                if s.alias {
                    format!("the docker config sets the builder alias {}", esc(&s.plugin))
                } else {
                    "DOCKER_BUILDKIT=1 is set".to_string()
                },
                esc(&s.plugin),
                esc(&searched(s))
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
