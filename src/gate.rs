//! The CI gate: size budgets, file-count and file-size limits, and `--fail-on` over findings.
//!
//! A gate compares one measured figure with a limit; the outcome says which gate failed and by
//! how much, in one line each. A figure exactly at its limit passes.
//!
//! ```
//! use ctxsize::units::parse_size;
//! assert_eq!(parse_size("500k"), Ok(500_000));
//! assert_eq!(parse_size("1.5GiB"), Ok(1_610_612_736));
//! assert!(parse_size("12 parsecs").is_err());
//! ```

use std::fmt::Write as _;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::report::{Finding, Report};
pub(crate) use crate::report::{GateFailure, Outcome};
use crate::tree::Kind;
use crate::units::{human, show_limit, show_size};

/// Which figure `--budget` compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BudgetOn {
    /// Bytes of file content sent (`content_bytes`, the default).
    #[default]
    Content,
    /// The exact classic tar size (`tar_bytes`).
    Tar,
    /// BuildKit's transfer set: what the Dockerfile's COPY/ADD reach (`transfer_bytes`).
    Transfer,
}

impl BudgetOn {
    fn what(self) -> &'static str {
        match self {
            BudgetOn::Content => "sent content",
            BudgetOn::Tar => "the context tar",
            BudgetOn::Transfer => "the BuildKit transfer set",
        }
    }
}

/// Finding severities, lowest first (the rules' own type).
pub(crate) use crate::rules::Severity;

/// Parses `high`, `medium`, `low`, `info` (also `error`/`critical`, `warning`/`warn` and `note`
/// as aliases, as CI tools write them).
pub(crate) fn parse_severity(s: &str) -> Option<Severity> {
    Some(match s.to_ascii_lowercase().as_str() {
        "high" | "error" | "critical" => Severity::High,
        "medium" | "warning" | "warn" => Severity::Medium,
        "low" | "note" => Severity::Low,
        "info" => Severity::Info,
        _ => return None,
    })
}

/// The finding categories `--fail-on` accepts.
pub(crate) const CATEGORIES: &[&str] = &[
    "secret",
    "vcs",
    "dependencies",
    "build-output",
    "cache",
    "logs",
    "test-data",
    "large-file",
    "media-archive",
    "editor-os",
    "gitignored",
    "dockerignore",
    "dockerfile",
];

/// `--fail-on`: a finding fails the check when it is at or above `severity`, or in one of
/// `categories`, or has one of `rules`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FailOn {
    /// Minimum severity.
    pub severity: Option<Severity>,
    /// Categories.
    pub categories: Vec<String>,
    /// Rule ids.
    pub rules: Vec<String>,
}

impl FailOn {
    /// Parses a comma-separated list such as `high`, `secret`, `medium,secret,vcs`, `CTX101`.
    pub fn parse(s: &str) -> Result<FailOn, String> {
        let mut f = FailOn::default();
        for item in s.split(',').map(str::trim).filter(|x| !x.is_empty()) {
            f.add(item)?;
        }
        if f.severity.is_none() && f.categories.is_empty() && f.rules.is_empty() {
            return Err("--fail-on needs a severity (high, medium, low, info), a category (secret, vcs, …) or a rule id".into());
        }
        Ok(f)
    }

    fn add(&mut self, item: &str) -> Result<(), String> {
        if let Some(sev) = parse_severity(item) {
            self.severity = Some(self.severity.map_or(sev, |s| s.min(sev)));
        } else if CATEGORIES.contains(&item.to_ascii_lowercase().as_str()) {
            self.categories.push(item.to_ascii_lowercase());
        } else if is_rule_id(item) {
            let id = item.to_ascii_uppercase();
            if !RULE_IDS.contains(&id.as_str()) {
                // A misspelt id would never trip the gate: the check would pass forever.
                return Err(format!(
                    "unknown rule id `{item}` in --fail-on: the rules are listed in docs/rules.md (CTX…, DF…, DI…, CI…)"
                ));
            }
            self.rules.push(id);
        } else {
            return Err(format!(
                "unknown --fail-on value `{item}`: use a severity (high, medium, low, info), a category ({}), or a rule id such as CTX101",
                CATEGORIES.join(", ")
            ));
        }
        Ok(())
    }

    /// Whether this finding trips the gate.
    pub(crate) fn trips(&self, f: &Finding) -> bool {
        let sev_hit = match (self.severity, parse_severity(&f.severity)) {
            (Some(min), Some(s)) => s >= min,
            _ => false,
        };
        // A file named for secrets that the report itself finds clean and needed (a tracked
        // `.npmrc` of `legacy-peer-deps=true` a `COPY . .` sends: "none needed while nothing
        // secret is in it") is no secret for `--fail-on secret`; its rule id, named, still
        // trips. A clean one nothing needs keeps its fix (exclude it) and trips the category.
        let clean = f.category == "secret" && f.clean;
        sev_hit
            || self.categories.iter().any(|c| c == &f.category && !clean)
            || self.rules.iter().any(|r| r.eq_ignore_ascii_case(&f.rule))
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = self.severity {
            parts.push(format!("severity {} or above", s.as_str()));
        }
        if !self.categories.is_empty() {
            parts.push(format!("category {}", self.categories.join("/")));
        }
        if !self.rules.is_empty() {
            parts.push(format!("rule {}", self.rules.join("/")));
        }
        parts.join(" or ")
    }
}

/// Whether `s` looks like a rule id (`CTX101`, `DI003`).
/// Every rule id a finding can carry: the content and name rules (`CTX`), the Dockerfile checks
/// (`DF`), lint's ignore-file checks (`DI`) and check-ci's (`CI`). A test keeps the list equal to
/// the ids the source uses.
pub(crate) const RULE_IDS: &[&str] = &[
    "CI001", "CI002", "CI003", "CI004", "CTX001", "CTX101", "CTX102", "CTX103", "CTX104", "CTX105",
    "CTX106", "CTX107", "CTX108", "CTX109", "CTX110", "CTX111", "CTX112", "CTX113", "CTX114",
    "CTX115", "CTX116", "CTX117", "CTX118", "CTX119", "CTX120", "CTX121", "CTX122", "CTX123",
    "CTX124", "CTX125", "CTX150", "CTX151", "CTX152", "CTX153", "CTX154", "CTX155", "CTX156",
    "CTX157", "CTX158", "CTX159", "CTX160", "CTX161", "CTX162", "CTX163", "CTX164", "CTX165",
    "CTX166", "CTX167", "CTX168", "CTX169", "CTX170", "CTX171", "CTX172", "CTX173", "CTX174",
    "CTX175", "CTX176", "CTX177", "CTX178", "CTX179", "CTX180", "CTX181", "CTX182", "CTX183",
    "CTX184", "CTX185", "CTX201", "CTX202", "CTX203", "CTX301", "CTX302", "CTX303", "CTX304",
    "CTX305", "CTX306", "CTX401", "CTX402", "CTX403", "CTX404", "CTX405", "CTX406", "CTX501",
    "CTX502", "CTX503", "CTX504", "CTX505", "CTX506", "CTX601", "CTX602", "CTX701", "CTX702",
    "CTX703", "CTX800", "CTX810", "CTX811", "CTX812", "CTX813", "CTX901", "CTX902", "CTX903",
    "DF001", "DF002", "DF003", "DF004", "DF005", "DF010", "DF011", "DI001", "DI002", "DI003",
    "DI004", "DI005", "DI006", "DI007", "DI008", "DI009", "DI010", "DI011", "DI012",
];

pub(crate) fn is_rule_id(s: &str) -> bool {
    let letters = s.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    letters >= 2 && letters < s.len() && s[letters..].chars().all(|c| c.is_ascii_digit())
}

/// The limits in force (from flags and the config file).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// `--budget`.
    pub budget: Option<u64>,
    /// `--budget-on`.
    pub budget_on: Option<BudgetOn>,
    /// `--max-files`.
    pub max_files: Option<u64>,
    /// `--max-file-size`.
    pub max_file_size: Option<u64>,
    /// `--fail-on`.
    pub fail_on: Option<FailOn>,
}

impl Limits {
    /// `self` with every unset field taken from `base` (flags override the config file).
    pub(crate) fn over(&self, base: &Limits) -> Limits {
        Limits {
            budget: self.budget.or(base.budget),
            budget_on: self.budget_on.or(base.budget_on),
            max_files: self.max_files.or(base.max_files),
            max_file_size: self.max_file_size.or(base.max_file_size),
            fail_on: self.fail_on.clone().or_else(|| base.fail_on.clone()),
        }
    }

    /// Whether any gate is set.
    pub(crate) fn any(&self) -> bool {
        self.budget.is_some()
            || self.max_files.is_some()
            || self.max_file_size.is_some()
            || self.fail_on.is_some()
    }
}

/// Options of the CI mode, as given on the command line.
#[derive(Clone, Debug, Default)]
pub struct CiOptions {
    /// Limits from flags (override the config file).
    pub limits: Limits,
    /// `--warn-only`: report failures, exit 0.
    pub warn_only: bool,
    /// `--config FILE` (default: `.ctxsize.toml` at the context root, if present).
    pub config: Option<std::path::PathBuf>,
    /// `--gates-only`: compute only what the gates compare, print only their lines.
    pub gates_only: bool,
}

/// The figures the gates compare.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Measure {
    /// `content_bytes`.
    pub content_bytes: u64,
    /// `tar_bytes`.
    pub tar_bytes: u64,
    /// `transfer_bytes`, when the report has it.
    pub transfer_bytes: Option<u64>,
    /// Files sent.
    pub files: u64,
    /// Sent files larger than `max_file_size` (path, bytes), largest first; at most 20.
    pub too_large: Vec<(String, u64)>,
    /// Their number.
    pub too_large_count: u64,
}

impl Measure {
    /// Measures an analysis and its report (`max_file_size` selects the files listed as too
    /// large).
    pub(crate) fn new(a: &Analysis, report: &Report, max_file_size: Option<u64>) -> Measure {
        let mut too_large = Vec::new();
        let mut count = 0;
        if let Some(limit) = max_file_size {
            for id in a.tree.sent() {
                let n = &a.tree.nodes[id as usize];
                if n.kind == Kind::File && n.size > limit {
                    count += 1;
                    too_large.push((crate::render::escape(&a.tree.path(id)), n.size));
                }
            }
            too_large.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
            too_large.truncate(20);
        }
        Measure {
            content_bytes: report.totals.content_bytes,
            tar_bytes: report.totals.tar_bytes,
            transfer_bytes: transfer_bytes(report),
            files: report.totals.files,
            too_large,
            too_large_count: count,
        }
    }
}

/// The report's `transfer_bytes` (BuildKit's COPY/ADD-reachable bytes), if it carries one.
pub(crate) fn transfer_bytes(report: &Report) -> Option<u64> {
    report.transfer_bytes
}

/// ` (+12.5%)`, or nothing for a limit of 0.
fn pct(over: u64, limit: u64) -> String {
    if limit == 0 {
        return String::new();
    }
    format!(" (+{:.1}%)", over as f64 * 100.0 / limit as f64)
}

/// Runs every gate in `limits` on `m` and the (already filtered) findings.
pub(crate) fn evaluate(
    limits: &Limits,
    m: &Measure,
    findings: &[Finding],
    warn_only: bool,
) -> Result<Outcome, crate::Error> {
    let mut o = Outcome {
        warn_only,
        ..Outcome::default()
    };
    if let Some(budget) = limits.budget {
        let on = limits.budget_on.unwrap_or_default();
        let value = match on {
            BudgetOn::Content => m.content_bytes,
            BudgetOn::Tar => m.tar_bytes,
            BudgetOn::Transfer => m.transfer_bytes.ok_or_else(|| {
                crate::Error::Usage(
                    "--budget-on transfer needs a Dockerfile analysis (transfer_bytes), which this report does not have; use --budget-on content or tar".into(),
                )
            })?,
        };
        if value > budget {
            o.failures.push(GateFailure {
                gate: "budget",
                message: format!(
                    "budget exceeded: {} is {}, {} over the budget of {}{}",
                    on.what(),
                    show_size(value),
                    human(value - budget),
                    show_limit(budget),
                    pct(value - budget, budget)
                ),
            });
        } else {
            o.passed.push(format!(
                "budget: {} is {} of {}",
                on.what(),
                show_size(value),
                show_limit(budget)
            ));
        }
    }
    if let Some(max) = limits.max_files {
        if m.files > max {
            o.failures.push(GateFailure {
                gate: "max-files",
                message: format!(
                    "too many files: {} files sent, {} over the limit of {}",
                    m.files,
                    m.files - max,
                    max
                ),
            });
        } else {
            o.passed
                .push(format!("max-files: {} of {} files", m.files, max));
        }
    }
    if let Some(max) = limits.max_file_size {
        if let Some((path, size)) = m.too_large.first() {
            let mut msg = format!(
                "file too large: {path} is {}, {} over the limit of {}",
                show_size(*size),
                human(size - max),
                show_limit(max)
            );
            if m.too_large_count > 1 {
                let _ = write!(
                    msg,
                    "; {} more files are over the limit",
                    m.too_large_count - 1
                );
            }
            o.failures.push(GateFailure {
                gate: "max-file-size",
                message: msg,
            });
        } else {
            o.passed
                .push(format!("max-file-size: no file over {}", show_limit(max)));
        }
    }
    if let Some(f) = &limits.fail_on {
        let hits: Vec<&Finding> = findings.iter().filter(|x| f.trips(x)).collect();
        if hits.is_empty() {
            o.passed
                .push(format!("fail-on: no finding of {}", f.describe()));
        } else {
            let mut list = String::new();
            for (i, h) in hits.iter().take(3).enumerate() {
                if i > 0 {
                    list.push_str(", ");
                }
                let line = h.line.map(|l| format!(":{l}")).unwrap_or_default();
                let _ = write!(
                    list,
                    "{} {}{line} ({}, {})",
                    h.rule, h.path, h.category, h.severity
                );
            }
            if hits.len() > 3 {
                let _ = write!(list, ", and {} more", hits.len() - 3);
            }
            o.failures.push(GateFailure {
                gate: "fail-on",
                message: format!(
                    "{} finding{} of {}: {list}",
                    hits.len(),
                    if hits.len() == 1 { "" } else { "s" },
                    f.describe()
                ),
            });
        }
    }
    Ok(o)
}

/// The file that gate results point at: the ignore file in effect if inside the context, else
/// the Dockerfile (context-relative).
pub(crate) fn anchor(a: &Analysis) -> Option<String> {
    let r = &a.resolved;
    r.ignore_file
        .iter()
        .chain(std::iter::once(&r.dockerfile))
        .find_map(|p| p.strip_prefix(&r.root).ok())
        .map(|p| p.display().to_string())
}

#[cfg(test)]
mod tests {

    /// [`RULE_IDS`] is exactly the set of rule ids the source writes (outside this file and
    /// test code's made-up `CTX998` and `CTX999`).
    #[test]
    fn rule_ids_are_the_ones_the_source_uses() {
        fn scan(dir: &std::path::Path, out: &mut std::collections::BTreeSet<String>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    scan(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("gate.rs") {
                    let t = std::fs::read(&p).unwrap();
                    for (k, _) in t.iter().enumerate().filter(|(_, &b)| b == b'"') {
                        let rest = &t[k + 1..];
                        let letters = rest.iter().take_while(|c| c.is_ascii_uppercase()).count();
                        let Some(id) = rest.get(..letters + 3) else {
                            continue;
                        };
                        if matches!(&rest[..letters], b"CTX" | b"DF" | b"DI" | b"CI")
                            && id[letters..].iter().all(u8::is_ascii_digit)
                            && rest.get(id.len()) == Some(&b'"')
                        {
                            out.insert(String::from_utf8(id.to_vec()).unwrap());
                        }
                    }
                }
            }
        }
        let mut used = std::collections::BTreeSet::new();
        scan(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut used,
        );
        used.remove("CTX999");
        used.remove("CTX998");
        let listed: std::collections::BTreeSet<String> =
            RULE_IDS.iter().map(|s| s.to_string()).collect();
        assert_eq!(used, listed);
        assert!(FailOn::parse("high,CTX101,df001").is_ok());
        assert!(FailOn::parse("CTX998")
            .unwrap_err()
            .contains("unknown rule id"));
    }

    use super::*;

    fn finding(rule: &str, cat: &str, sev: &str) -> Finding {
        Finding {
            rule: rule.into(),
            category: cat.into(),
            severity: sev.into(),
            path: "p".into(),
            files: 1,
            bytes: 1,
            message: "m".into(),
            fix: "p".into(),
            ..Default::default()
        }
    }

    /// `--fail-on secret` passes a secret-named file the report finds clean and needed;
    /// `--fail-on CTX106` and `--fail-on low` still trip on it.
    #[test]
    fn a_clean_secret_named_file_does_not_trip_the_secret_category() {
        let mut f = finding("CTX106", "secret", "low");
        f.clean = true;
        assert!(!FailOn::parse("secret").unwrap().trips(&f));
        assert!(!FailOn::parse("high,secret").unwrap().trips(&f));
        assert!(FailOn::parse("CTX106").unwrap().trips(&f));
        assert!(FailOn::parse("low").unwrap().trips(&f));
        f.clean = false;
        assert!(FailOn::parse("secret").unwrap().trips(&f));
    }

    #[test]
    fn fail_on_parsing() {
        let f = FailOn::parse("high").unwrap();
        assert_eq!(f.severity, Some(Severity::High));
        let f = FailOn::parse("medium,secret,CTX101").unwrap();
        assert_eq!(f.severity, Some(Severity::Medium));
        assert_eq!(f.categories, ["secret"]);
        assert_eq!(f.rules, ["CTX101"]);
        assert!(FailOn::parse("bogus").is_err());
        assert!(FailOn::parse("").is_err());
        let f = FailOn::parse("dockerfile").unwrap();
        assert!(f.trips(&finding("DF002", "dockerfile", "high")));
        let f = FailOn::parse("error").unwrap();
        assert!(f.trips(&finding("DF002", "dockerfile", "high")));
        assert!(!f.trips(&finding("DF003", "dockerfile", "low")));
        let f = FailOn::parse("secret").unwrap();
        assert!(f.trips(&finding("CTX1", "secret", "low")));
        assert!(!f.trips(&finding("CTX1", "vcs", "high")));
        let f = FailOn::parse("medium").unwrap();
        assert!(f.trips(&finding("CTX1", "vcs", "high")));
        assert!(f.trips(&finding("CTX1", "vcs", "medium")));
        assert!(!f.trips(&finding("CTX1", "vcs", "low")));
    }

    fn m(content: u64, files: u64) -> Measure {
        Measure {
            content_bytes: content,
            tar_bytes: content + 2048,
            files,
            ..Measure::default()
        }
    }

    #[test]
    fn budget_at_limit_passes() {
        let l = Limits {
            budget: Some(1000),
            ..Limits::default()
        };
        let o = evaluate(&l, &m(1000, 1), &[], false).unwrap();
        assert!(o.failures.is_empty());
        assert_eq!(o.exit_code(), 0);
        let o = evaluate(&l, &m(1001, 1), &[], false).unwrap();
        assert_eq!(o.exit_code(), 1);
        assert_eq!(o.failures[0].gate, "budget");
        assert!(
            o.failures[0].message.contains("1 B over"),
            "{}",
            o.failures[0].message
        );
        let o = evaluate(&l, &m(1001, 1), &[], true).unwrap();
        assert_eq!(o.exit_code(), 0);
        assert!(o.lines()[0].starts_with("warning: budget exceeded"));
    }

    #[test]
    fn budget_on_tar_and_transfer() {
        let l = Limits {
            budget: Some(2500),
            budget_on: Some(BudgetOn::Tar),
            ..Limits::default()
        };
        let o = evaluate(&l, &m(1000, 1), &[], false).unwrap();
        assert_eq!(o.failures.len(), 1);
        assert!(o.failures[0].message.contains("the context tar is"));
        let l = Limits {
            budget: Some(2500),
            budget_on: Some(BudgetOn::Transfer),
            ..Limits::default()
        };
        let e = evaluate(&l, &m(1000, 1), &[], false).unwrap_err();
        assert!(e.to_string().contains("needs a Dockerfile analysis"));
        let mut mm = m(1000, 1);
        mm.transfer_bytes = Some(10);
        assert!(evaluate(&l, &mm, &[], false).unwrap().failures.is_empty());
    }

    #[test]
    fn files_and_findings() {
        let l = Limits {
            max_files: Some(3),
            fail_on: Some(FailOn::parse("secret").unwrap()),
            ..Limits::default()
        };
        let o = evaluate(&l, &m(0, 3), &[finding("CTX1", "vcs", "high")], false).unwrap();
        assert!(o.failures.is_empty());
        let o = evaluate(&l, &m(0, 5), &[finding("CTX9", "secret", "high")], false).unwrap();
        assert_eq!(o.failures.len(), 2);
        assert_eq!(
            o.failures[0].message,
            "too many files: 5 files sent, 2 over the limit of 3"
        );
        assert!(o.failures[1]
            .message
            .starts_with("1 finding of category secret: CTX9 p"));
    }

    #[test]
    fn flags_override_config() {
        let cfg = Limits {
            budget: Some(1),
            max_files: Some(2),
            ..Limits::default()
        };
        let flags = Limits {
            budget: Some(5),
            ..Limits::default()
        };
        let l = flags.over(&cfg);
        assert_eq!(l.budget, Some(5));
        assert_eq!(l.max_files, Some(2));
    }
}
