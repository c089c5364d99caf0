//! Protective exclusion lines: those that keep secrets, VCS data, dependency trees, logs or
//! editor/OS junk out, whether or not such a file exists today. Carried into every proposal
//! ([`super::carry`]) and never undone by a kept file ([`super::runreads`]).

/// Words that make an exclusion line protective: it keeps secrets, VCS data, dependency trees,
/// logs or editor/OS junk out, whether or not such a file exists today.
const PROTECTIVE: &[&str] = &[
    ".env",
    ".pem",
    ".key",
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    ".npmrc",
    ".pypirc",
    ".netrc",
    "secret",
    "credential",
    "password",
    "token",
    ".aws",
    ".ssh",
    ".gnupg",
    ".p12",
    ".pfx",
    ".jks",
    ".keystore",
    ".htpasswd",
    ".tfstate",
    ".tfvars",
    ".ds_store",
    "thumbs.db",
    ".idea",
    ".vscode",
    "*.swp",
    "node_modules",
    ".git",
    ".hg",
    ".svn",
    ".log",
    "__pycache__",
    ".pyc",
    ".venv",
    "venv",
    ".terraform",
    ".docker",
    "kubeconfig",
];

/// An exclusion line that protects.
pub(crate) fn protective(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') || t.starts_with('!') {
        return false;
    }
    let l = t.to_ascii_lowercase();
    PROTECTIVE.iter().any(|w| {
        // `.git`, `.docker`, … as a whole name: `.gitignore`, `.github`, `.gitattributes`,
        // `.dockerignore` protect nothing.
        if matches!(*w, ".git" | ".hg" | ".svn" | ".docker") {
            l.match_indices(w).any(|(i, _)| {
                !l[i + w.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
        } else {
            l.contains(w)
        }
    })
}
