//! `.ctxsize.toml`: budgets, per-rule severity (or `off`), and a baseline of accepted findings.
//! Flags override it. Unknown keys are an error that names the key.
//!
//! ```toml
//! budget = "200MB"
//! budget_on = "content"     # content | tar | transfer
//! max_files = 10000
//! max_file_size = "50MB"
//! fail_on = ["high", "secret"]   # or "high,secret"
//! warn_only = false
//! excluded_sizes = false    # do not measure what is kept out (--no-excluded-sizes)
//!
//! [rules]
//! CTX105 = "off"
//! DI002 = "low"
//!
//! [[baseline]]
//! rule = "CTX101"
//! path = "config/.env.example"
//! reason = "a template, no secrets"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;
use crate::gate::{is_rule_id, parse_severity, BudgetOn, FailOn, Limits, Severity};
use crate::report::Finding;
use crate::units::parse_size;

/// The default file name, looked up at the context root.
pub(crate) const FILE_NAME: &str = ".ctxsize.toml";

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum SizeValue {
    Bytes(u64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ListValue {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Raw {
    budget: Option<SizeValue>,
    budget_on: Option<BudgetOn>,
    max_files: Option<u64>,
    max_file_size: Option<SizeValue>,
    fail_on: Option<ListValue>,
    warn_only: Option<bool>,
    excluded_sizes: Option<bool>,
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    baseline: Vec<BaselineEntry>,
}

/// One accepted finding: the rule and the path it fired on (and the line, for findings on a
/// file's lines).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct BaselineEntry {
    /// Rule id.
    pub rule: String,
    /// Path as in the finding.
    pub path: String,
    /// Line, when the finding has one; absent matches any line.
    pub line: Option<usize>,
    /// Why it is accepted (free text, not used).
    pub reason: Option<String>,
}

/// What a rule is set to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RuleSetting {
    /// The rule is disabled.
    Off,
    /// The rule's findings get this severity.
    Severity(Severity),
}

/// A loaded config file.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileConfig {
    /// Where it was read from.
    pub path: Option<PathBuf>,
    /// Its limits.
    pub limits: Limits,
    /// `warn_only = true`.
    pub warn_only: bool,
    /// `excluded_sizes`: `false` skips measuring what is kept out, as `--no-excluded-sizes`.
    pub excluded_sizes: Option<bool>,
    /// Per-rule settings.
    pub rules: BTreeMap<String, RuleSetting>,
    /// Accepted findings.
    pub baseline: Vec<BaselineEntry>,
}

fn size(path: &Path, key: &str, v: SizeValue) -> Result<u64, Error> {
    match v {
        SizeValue::Bytes(n) => Ok(n),
        SizeValue::Text(s) => {
            parse_size(&s).map_err(|e| Error::Usage(format!("{}: {key}: {e}", path.display())))
        }
    }
}

impl FileConfig {
    /// Parses config text; `path` names the file in messages.
    pub(crate) fn parse(text: &str, path: &Path) -> Result<FileConfig, Error> {
        let raw: Raw = toml::from_str(text).map_err(|e| {
            Error::Usage(format!(
                "{}: {}",
                path.display(),
                e.to_string().trim_end().replace('\n', "\n  ")
            ))
        })?;
        let mut limits = Limits {
            budget_on: raw.budget_on,
            max_files: raw.max_files,
            ..Limits::default()
        };
        if let Some(b) = raw.budget {
            limits.budget = Some(size(path, "budget", b)?);
        }
        if let Some(b) = raw.max_file_size {
            limits.max_file_size = Some(size(path, "max_file_size", b)?);
        }
        if let Some(f) = raw.fail_on {
            let text = match f {
                ListValue::One(s) => s,
                ListValue::Many(v) => v.join(","),
            };
            limits.fail_on = Some(
                FailOn::parse(&text)
                    .map_err(|e| Error::Usage(format!("{}: fail_on: {e}", path.display())))?,
            );
        }
        let mut rules = BTreeMap::new();
        for (k, v) in raw.rules {
            if !is_rule_id(&k) {
                return Err(Error::Usage(format!(
                    "{}: [rules]: `{k}` is not a rule id (such as CTX101 or DI002)",
                    path.display()
                )));
            }
            if !crate::gate::RULE_IDS.contains(&k.to_ascii_uppercase().as_str()) {
                // A misspelt id would leave the rule it meant as it was, silently.
                return Err(Error::Usage(format!(
                    "{}: [rules]: no rule has the id `{k}` (the rules are listed in docs/rules.md)",
                    path.display()
                )));
            }
            let setting = if v.eq_ignore_ascii_case("off") {
                RuleSetting::Off
            } else {
                RuleSetting::Severity(parse_severity(&v).ok_or_else(|| {
                    Error::Usage(format!(
                        "{}: [rules] {k} = \"{v}\": use off, high, medium, low or info",
                        path.display()
                    ))
                })?)
            };
            rules.insert(k.to_ascii_uppercase(), setting);
        }
        Ok(FileConfig {
            path: Some(path.to_path_buf()),
            limits,
            warn_only: raw.warn_only.unwrap_or(false),
            excluded_sizes: raw.excluded_sizes,
            rules,
            baseline: raw.baseline,
        })
    }

    /// Loads `explicit` (an error if missing), else `root/.ctxsize.toml` if present, else the
    /// empty config.
    pub(crate) fn load(explicit: Option<&Path>, root: &Path) -> Result<FileConfig, Error> {
        let (path, required) = match explicit {
            Some(p) => (p.to_path_buf(), true),
            None => (root.join(FILE_NAME), false),
        };
        let text = crate::context::read_regular(&path).and_then(|b| {
            String::from_utf8(b)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        });
        match text {
            Ok(t) => FileConfig::parse(&t, &path),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                Ok(FileConfig::default())
            }
            Err(e) => Err(Error::Io(path, e)),
        }
    }

    /// Applies rule settings and the baseline: drops `off` rules and accepted findings, rewrites
    /// severities. Returns how many findings the baseline accepted.
    pub(crate) fn apply(&self, findings: &mut Vec<Finding>) -> usize {
        let before = findings.len();
        findings.retain(|f| {
            !matches!(
                self.rules.get(&f.rule.to_ascii_uppercase()),
                Some(RuleSetting::Off)
            )
        });
        let after_off = findings.len();
        findings.retain(|f| !self.accepts(f));
        for f in findings.iter_mut() {
            if let Some(RuleSetting::Severity(s)) = self.rules.get(&f.rule.to_ascii_uppercase()) {
                f.severity = s.as_str().to_string();
            }
        }
        let _ = before;
        after_off - findings.len()
    }

    /// Whether the baseline accepts this finding.
    pub(crate) fn accepts(&self, f: &Finding) -> bool {
        self.baseline.iter().any(|b| {
            b.rule.eq_ignore_ascii_case(&f.rule)
                && b.path.trim_end_matches('/') == f.path.trim_end_matches('/')
                && (b.line.is_none() || b.line == f.line)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(rule: &str, path: &str, sev: &str) -> Finding {
        Finding {
            rule: rule.into(),
            category: "secret".into(),
            severity: sev.into(),
            path: path.into(),
            files: 1,
            bytes: 1,
            message: String::new(),
            ..Default::default()
        }
    }

    #[test]
    fn parses_everything() {
        let c = FileConfig::parse(
            r#"
budget = "200MB"
budget_on = "tar"
max_files = 10
max_file_size = 1024
fail_on = ["high", "secret"]
warn_only = true
excluded_sizes = false
[rules]
CTX105 = "off"
ctx106 = "low"
[[baseline]]
rule = "CTX101"
path = "a/.env"
reason = "template"
"#,
            Path::new(".ctxsize.toml"),
        )
        .unwrap();
        assert_eq!(c.limits.budget, Some(200_000_000));
        assert_eq!(c.limits.budget_on, Some(BudgetOn::Tar));
        assert_eq!(c.limits.max_files, Some(10));
        assert_eq!(c.limits.max_file_size, Some(1024));
        let fo = c.limits.fail_on.clone().unwrap();
        assert_eq!(fo.severity, Some(Severity::High));
        assert_eq!(fo.categories, ["secret"]);
        assert!(c.warn_only);
        assert_eq!(c.excluded_sizes, Some(false));
        let mut v = vec![
            f("CTX105", "x", "high"),
            f("CTX106", "y", "high"),
            f("CTX101", "a/.env", "high"),
            f("CTX101", "b/.env", "high"),
        ];
        assert_eq!(c.apply(&mut v), 1);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].severity, "low");
        assert_eq!(v[1].path, "b/.env");
    }

    #[test]
    fn unknown_keys_are_named() {
        let e = FileConfig::parse("budgett = \"1MB\"\n", Path::new("c.toml")).unwrap_err();
        let s = e.to_string();
        assert!(s.contains("c.toml") && s.contains("budgett"), "{s}");
        let e = FileConfig::parse(
            "[[baseline]]\nrule = \"X1\"\npath = \"p\"\nwhy = 1\n",
            Path::new("c.toml"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("why"), "{e}");
        let e = FileConfig::parse("budget = \"lots\"\n", Path::new("c.toml")).unwrap_err();
        assert!(e.to_string().contains("budget: invalid size `lots`"), "{e}");
        let e = FileConfig::parse("[rules]\nCTX998 = \"low\"\n", Path::new("c.toml")).unwrap_err();
        assert!(e.to_string().contains("no rule has the id"), "{e}");
        let e = FileConfig::parse("[rules]\nCTX1 = \"loud\"\n", Path::new("c.toml")).unwrap_err();
        assert!(e.to_string().contains("CTX1"), "{e}");
    }

    #[test]
    fn missing_default_is_empty() {
        let d = tempfile::tempdir().unwrap();
        let c = FileConfig::load(None, d.path()).unwrap();
        assert!(c.path.is_none());
        assert!(FileConfig::load(Some(&d.path().join("nope.toml")), d.path()).is_err());
    }
}
