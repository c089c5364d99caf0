//! The catalog of CI gates (`--budget`, `--max-files`, `--max-file-size`, `--fail-on`): the
//! descriptions that SARIF rules and the docs use. The gates themselves run in `gate.rs`.

/// One gate: its name (the SARIF rule is `gate/<name>`), what a failure means, how to fix it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GateInfo {
    /// `budget`, `max-files`, `max-file-size` or `fail-on`.
    pub name: &'static str,
    /// One line.
    pub short: &'static str,
    /// How to fix it.
    pub help: &'static str,
}

/// Every gate.
pub(crate) const GATES: &[GateInfo] = &[
    GateInfo { name: "budget", short: "The build context is over its size budget.", help: "Exclude what the build does not need in .dockerignore (run `ctxsize` for the largest paths and `ctxsize suggest` for an allowlist), or raise the budget." },
    GateInfo { name: "max-files", short: "The build context has more files than allowed.", help: "Exclude dependency trees, caches and build output in .dockerignore, or raise --max-files." },
    GateInfo { name: "max-file-size", short: "A file in the build context is larger than allowed.", help: "Exclude the file in .dockerignore if the build does not need it, or raise --max-file-size." },
    GateInfo { name: "fail-on", short: "Findings at or above the --fail-on threshold.", help: "Fix the findings listed, accept them in the baseline of .ctxsize.toml, or lower their severity there." },
];

/// Looks up a gate by name.
pub(crate) fn gate(name: &str) -> Option<&'static GateInfo> {
    GATES.iter().find(|g| g.name == name)
}
