//! A context inside a build tool's output directory: Maven's `target/` beside a `pom.xml`
//! (spring-petclinic-microservices builds each module's image with `target/` as the context,
//! the jar `mvn package` writes there). The tool's clean deletes that directory, and the ignore
//! file `suggest --write` puts at the context root with it. The file is still written (it is
//! what the build reads, until the next clean), with a warning that says so and where to keep
//! it instead.

use std::path::{Path, PathBuf};

/// Output directory names, the build files that own them beside them, the tool, and its clean.
const OUTPUTS: &[(&str, &[&str], &str, &str)] = &[
    ("target", &["pom.xml"], "Maven", "mvn clean"),
    ("target", &["Cargo.toml"], "Cargo", "cargo clean"),
    ("target", &["build.sbt"], "sbt", "sbt clean"),
    (
        "build",
        &["build.gradle", "build.gradle.kts"],
        "Gradle",
        "gradle clean",
    ),
];

/// The build-output directory that holds `root` (it or one of its ancestors), with the build
/// file that owns it, the tool and its clean command.
pub(super) fn output_dir(root: &Path) -> Option<(PathBuf, PathBuf, &'static str, &'static str)> {
    let mut cur = Some(root);
    while let Some(dir) = cur {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let parent = dir.parent();
        if let Some(p) = parent {
            for (out, files, tool, clean) in OUTPUTS {
                if name != *out {
                    continue;
                }
                if let Some(f) = files.iter().map(|f| p.join(f)).find(|f| f.is_file()) {
                    return Some((dir.to_path_buf(), f, tool, clean));
                }
            }
        }
        cur = parent;
    }
    None
}

/// Adds the warning to a proposal whose destination lies in a build-output directory that holds
/// the context `root`.
pub(super) fn warn(s: &mut super::Suggestion, root: &Path) {
    let Some((dir, owner, tool, clean)) = output_dir(root) else {
        return;
    };
    if !s.destination.starts_with(&dir) {
        return;
    }
    let place = if dir == root {
        format!("the context {}/ is {tool}'s build output", dir.display())
    } else {
        format!(
            "the context {} is inside {}/, {tool}'s build output",
            root.display(),
            dir.display()
        )
    };
    s.warnings.push(format!(
        "{place} (beside {}): `{clean}` deletes it, and the ignore file written there with it, so the next build after a clean sends everything in it again; keep the file in your sources and have the build copy it into {}/, or run `ctxsize suggest --write` again after each clean",
        owner.display(),
        dir.display(),
    ));
}
