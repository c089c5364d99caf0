//! CI configuration files, by each service's convention.

/// Whether `path` (relative to the context) is a CI service's workflow or pipeline file:
/// `.github/workflows/*.yml`, `.gitea/workflows/`, `.forgejo/workflows/`, `.gitlab/ci/`,
/// `.circleci/`, `.buildkite/`, `.woodpecker/`, `.gitlab-ci.yml`, `azure-pipelines.yml`. Named
/// `test.yml`, such a file runs the project's tests: its values are the test jobs' settings, not
/// a test's fixture files.
pub(crate) fn is_ci_workflow(path: &[u8]) -> bool {
    let low = path.to_ascii_lowercase();
    let mut comps = low.rsplit(|&b| b == b'/');
    let name = comps.next().unwrap_or(&low);
    if !(name.ends_with(b".yml") || name.ends_with(b".yaml")) {
        return false;
    }
    if name.starts_with(b".gitlab-ci") || name.starts_with(b"azure-pipelines") {
        return true;
    }
    let parent = comps.next().unwrap_or_default();
    let grand = comps.next().unwrap_or_default();
    matches!(parent, b".circleci" | b".buildkite" | b".woodpecker")
        || (parent == b"workflows" && matches!(grand, b".github" | b".gitea" | b".forgejo"))
        || (parent == b"ci" && grand == b".gitlab")
}

#[cfg(test)]
mod tests {
    use super::is_ci_workflow;

    #[test]
    fn ci_workflow_files() {
        for yes in [
            ".github/workflows/test.yml",
            "sub/.github/workflows/tests.yaml",
            ".gitea/workflows/test.yml",
            ".gitlab-ci.yml",
            ".gitlab/ci/test.yml",
            ".circleci/config.yml",
            "azure-pipelines.yml",
        ] {
            assert!(is_ci_workflow(yes.as_bytes()), "{yes}");
        }
        for no in [
            "test.yml",
            "tests/workflows/test.yml",
            ".github/dependabot.yml",
            ".github/workflows/README.md",
            "config/test.yml",
        ] {
            assert!(!is_ci_workflow(no.as_bytes()), "{no}");
        }
    }
}
