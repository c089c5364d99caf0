//! The man page: clap_mangen's sections, the subcommands described in this page (there are no
//! separate `ctxsize-list(1)` pages), and an EXIT STATUS section.

use std::io::Write;

fn roff_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.replace('\\', "\\\\").replace('-', "\\-");
        // A line starting with `.` or `'` would be a roff request.
        if line.starts_with('.') || line.starts_with('\'') {
            out.push_str("\\&");
        }
        out.push_str(&line);
    }
    out
}

fn write_page(cmd: clap::Command, w: &mut dyn Write) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    man.render_options_section(w)?;
    writeln!(w, ".SH COMMANDS")?;
    let mut root = cmd;
    root.build();
    for sub in root.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let mut sub = sub.clone();
        let usage = sub.render_usage().to_string();
        let usage = usage.trim_start_matches("Usage: ").trim();
        writeln!(w, ".TP")?;
        writeln!(w, "\\fB{}\\fR", roff_escape(usage))?;
        let about = sub
            .get_long_about()
            .or(sub.get_about())
            .map(|a| a.to_string())
            .unwrap_or_default();
        writeln!(w, "{}", roff_escape(&about))?;
        let opts: Vec<String> = sub
            .get_arguments()
            .filter(|a| !a.is_global_set() && !a.is_hide_set())
            .filter_map(|a| {
                let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
                let name = match (a.get_short(), a.get_long()) {
                    (Some(s), Some(l)) => format!("-{s}, --{l}"),
                    (None, Some(l)) => format!("--{l}"),
                    (Some(s), None) => format!("-{s}"),
                    (None, None) => a
                        .get_value_names()
                        .and_then(|v| v.first().map(|n| n.to_string()))
                        .unwrap_or_else(|| a.get_id().to_string().to_ascii_uppercase()),
                };
                (name != "-h, --help").then(|| format!("{name}: {help}"))
            })
            .collect();
        for o in opts {
            writeln!(w, ".br\n{}", roff_escape(&o))?;
        }
    }
    writeln!(w, ".SH EXIT STATUS")?;
    writeln!(w, ".TP\n0")?;
    writeln!(
        w,
        "{}",
        roff_escape("Success: the report, list or file was written, and no gate failed.")
    )?;
    writeln!(w, ".TP\n1")?;
    writeln!(w, "{}", roff_escape("A check failed: a gate (--budget, --max-files, --max-file-size, --fail-on), or `ctxsize lint` found a problem that changes what is sent. --warn-only turns this into 0."))?;
    writeln!(w, ".TP\n2")?;
    writeln!(w, "{}", roff_escape("An error: docker's reason and ctxsize's hint are printed on standard error (a missing context or Dockerfile, an invalid ignore file, an unreadable file, an output error such as a full disk)."))?;
    writeln!(w, ".SH ENVIRONMENT")?;
    for (name, what) in ENVIRONMENT {
        writeln!(w, ".TP\n{}\n{}", roff_escape(name), roff_escape(what))?;
    }
    writeln!(w, ".SH FILES")?;
    for (name, what) in FILES {
        writeln!(w, ".TP\n{}\n{}", roff_escape(name), roff_escape(what))?;
    }
    writeln!(w, ".SH SEE ALSO")?;
    writeln!(
        w,
        "{}",
        roff_escape("docker-build(1); docs/ci.md and docs/rules.md in the source repository.")
    )?;
    man.render_version_section(w)?;
    Ok(())
}

/// The environment variables ctxsize reads, for the man page.
const ENVIRONMENT: &[(&str, &str)] = &[
    ("NO_COLOR", "When set and not empty, --color auto prints no colours."),
    ("GITHUB_ACTIONS", "When `true`, the report and lint default to --format github (annotations)."),
    ("DOCKER_BUILDKIT", "Read as docker build reads it: when it names the other builder (or is not a boolean), the report says which builder docker build will really use."),
    ("DOCKER_CONFIG, PATH", "Where docker looks for its buildx plugin (DOCKER_CONFIG/cli-plugins, else ~/.docker/cli-plugins, the config file's cliPluginsExtraDirs, /usr/local/lib/docker/cli-plugins, …): when docker is on PATH and buildx is not installed, the report says docker build uses the classic builder."),
    ("CTXSIZE_FULL_WALK", "`1`: always walk into excluded directories to size them; `0`: never where the output allows it (used by the conformance checks)."),
    ("CTXSIZE_WALKER", "The walker backend: `linux` (default on Linux), `portable` or `std` (for testing)."),
    ("XDG_CACHE_HOME, HOME", "The cache directory ($XDG_CACHE_HOME/ctxsize, else ~/.cache/ctxsize): the content scan's cache (scan/) and, outside a git repository, the backups of `suggest --write` (backups/)."),
];

/// The files ctxsize reads or writes, for the man page.
const FILES: &[(&str, &str)] = &[
    (".dockerignore", "The context's ignore file (at the context root)."),
    ("<Dockerfile>.dockerignore", "BuildKit's per-Dockerfile ignore file, next to the Dockerfile; preferred over .dockerignore under BuildKit."),
    (".ctxsize.toml", "Gates and report settings at the context root (or --config FILE)."),
    ("compose.yaml, docker-compose.yml, docker-bake.hcl, docker-bake.json", "Read by --compose and ctxsize bake when no file is named."),
    ("~/.cache/ctxsize/scan/", "The content scan's cache: per context root, what reading each file found (rule IDs and line numbers, never content), reused while the file's inode, size and times are unchanged; at most 32 files; --no-scan-cache ignores it."),
    (".git/ctxsize/backups/", "Backups of ignore files replaced by `suggest --write` (suggest checks that the file it writes does not send them; outside a git repository: the cache directory above)."),
];

/// The man page of `cmd` as roff bytes.
pub(crate) fn page(cmd: clap::Command) -> Vec<u8> {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_page(cmd, &mut buf);
    buf
}
