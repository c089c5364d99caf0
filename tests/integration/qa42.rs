//! Rules corrected by qa42 on real repositories: lint checks the ignore file against every
//! Dockerfile built with the context (hoppscotch's root Compose file names its only root
//! Dockerfile), DI003 does not widen a name over the project's source code (halo's `ui` line
//! beside its Java `ui` packages), …

use crate::util::TestEnv;

fn lint_json(env: &TestEnv) -> serde_json::Value {
    let o = env.run(["lint", "--format", "json", "."]);
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)))
}

fn di003(v: &serde_json::Value, line: u64) -> (String, String) {
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DI003" && f["line"] == line)
        .unwrap_or_else(|| panic!("no DI003 on line {line}: {v}"));
    (
        f["message"].as_str().unwrap().to_string(),
        f["fix"].as_str().unwrap_or("").to_string(),
    )
}

/// hoppscotch: no Dockerfile at the root, `docker-compose.yml` builds `prod.Dockerfile` (a
/// whole-context copy) with `context: .`. lint said "no Dockerfile analysed" and asked about
/// `**/devenv.nix`; the Compose build copies the deeper `devenv.nix`, so the widening is no fix.
#[test]
fn lint_checks_the_dockerfiles_a_compose_file_builds_with_the_context() {
    let env = TestEnv::new();
    env.file(
        "docker-compose.yml",
        "services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/prod.Dockerfile\n",
    )
    .file("docker/prod.Dockerfile", "FROM node\nCOPY . /app\n")
    .file("devenv.nix", "{}\n")
    .file("packages/relay/devenv.nix", "{}\n")
    .file("packages/relay/index.ts", "export {}\n")
    .dockerignore("devenv.nix\n");
    let v = lint_json(&env);
    let (m, fix) = di003(&v, 1);
    assert!(!m.contains("no Dockerfile analysed"), "{m}");
    // The copy is the whole context's (qa49): that says nothing about whether the image needs
    // the deeper file, so the anchored line, which keeps out what the line does today, is
    // offered, and the widening is left to the reader.
    assert!(
        m.contains(
            "the build copies the whole context, so it copies packages/relay/devenv.nix only because nothing keeps it out"
        ) && m.contains("`**/devenv.nix` excludes them"),
        "{m}"
    );
    assert_eq!(fix, "/devenv.nix");
    let notes = v["notes"].to_string();
    assert!(notes.contains("docker/prod.Dockerfile"), "{notes}");
    assert!(!notes.contains("BuildKit's context alone"), "{notes}");
}

/// The same Compose build copying only `packages/relay/index.ts`: the deeper `devenv.nix` is
/// not copied, and the widening is offered as the fix.
#[test]
fn lint_offers_the_widening_when_no_compose_build_copies_the_deeper_match() {
    let env = TestEnv::new();
    env.file(
        "docker-compose.yml",
        "services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/prod.Dockerfile\n",
    )
    .file(
        "docker/prod.Dockerfile",
        "FROM node\nCOPY packages/relay/index.ts /app/\n",
    )
    .file("devenv.nix", "{}\n")
    .file("packages/relay/devenv.nix", "{}\n")
    .file("packages/relay/index.ts", "export {}\n")
    .dockerignore("devenv.nix\n");
    let v = lint_json(&env);
    let (m, fix) = di003(&v, 1);
    assert!(!m.contains("no Dockerfile analysed"), "{m}");
    assert_eq!(fix, "**/devenv.nix", "{m}");
}

/// halo: `ui` (the root frontend project) beside Java packages named `ui`
/// (`application/src/main/java/…/ui/ProxyFilter.java`), which the Dockerfile does not copy (it
/// copies the built jar). `**/ui` would exclude the project's source code: the finding says so
/// and offers the anchored `/ui`, which says what the line already does. A deeper match that is
/// not source code keeps the widening.
#[test]
fn di003_does_not_widen_a_name_over_source_code() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM eclipse-temurin\nCOPY application/build/libs/app.jar /app.jar\n",
    )
    .file("application/build/libs/app.jar", "jar\n")
    .file("ui/package.json", "{}\n")
    .file(
        "application/src/main/java/run/halo/app/infra/ui/ProxyFilter.java",
        "class ProxyFilter {}\n",
    )
    .file("notes/a.txt", "x\n")
    .file("application/notes/b.txt", "x\n")
    .dockerignore("ui\nnotes\n");
    let v = lint_json(&env);
    let (m, fix) = di003(&v, 1);
    assert_eq!(fix, "/ui", "{m}");
    assert!(
        m.contains("application/src/main/java/run/halo/app/infra/ui/, source code"),
        "{m}"
    );
    assert!(!m.contains("did you mean"), "{m}");
    let (m, fix) = di003(&v, 2);
    assert_eq!(fix, "**/notes", "{m}");
}

/// spring-petclinic-microservices: each module's image is built with its Maven `target/` as the
/// context (`docker build -f ../docker/Dockerfile target`), so `suggest --write` writes
/// `target/.dockerignore`, which `mvn clean` deletes. The file is still written (the build
/// reads it until then), with a warning naming the build-output directory and its clean; a
/// `target/` no build file owns gets none.
#[test]
fn suggest_warns_when_the_context_is_build_output() {
    let env = TestEnv::new();
    env.file(
        "docker/Dockerfile",
        "FROM eclipse-temurin\nCOPY app.jar /app.jar\n",
    )
    .file("vets/pom.xml", "<project/>\n")
    .file("vets/target/app.jar", "jar\n")
    .file("vets/target/classes/A.class", "c\n")
    .file("plain/target/app.jar", "jar\n");
    let o = env.run([
        "suggest",
        "--write",
        "-f",
        "docker/Dockerfile",
        "vets/target",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(env.path("vets/target/.dockerignore").is_file(), "{err}");
    assert!(err.contains("Maven's build output"), "{err}");
    assert!(err.contains("`mvn clean` deletes it"), "{err}");
    let o = env.run(["suggest", "-f", "docker/Dockerfile", "plain/target"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("build output"), "{err}");
}

/// plane: four Compose services build whole-context Dockerfiles with the root; the summary
/// printed four identical BuildKit transfer lines, one per Dockerfile. Identical lines are one,
/// naming the services; a Dockerfile with other figures keeps its own line.
#[test]
fn identical_transfer_lines_are_collapsed_naming_the_services() {
    let env = TestEnv::new();
    env.file(
        "docker-compose.yml",
        "services:\n  web:\n    build:\n      context: .\n      dockerfile: apps/web/Dockerfile.web\n  admin:\n    build:\n      context: .\n      dockerfile: apps/admin/Dockerfile.admin\n  api:\n    build:\n      context: .\n      dockerfile: apps/api/Dockerfile.api\n",
    )
    .file("apps/web/Dockerfile.web", "FROM node\nCOPY . /app\n")
    .file("apps/admin/Dockerfile.admin", "FROM node\nCOPY . /app\n")
    .file("apps/api/Dockerfile.api", "FROM python\nCOPY apps/api/main.py /app/\n")
    .file("apps/api/main.py", "print(1)\n")
    .file("package.json", "{}\n");
    let o = env.run(["suggest", "--compose", "docker-compose.yml", "."]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(" transfer ")).collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("(each of 2: services admin, web)")),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("(apps/api/Dockerfile.api)")),
        "{err}"
    );
}

/// atsea: `database/mysql/Dockerfile` (alone in its directory) copies `../images`, a source
/// that climbs out of its context: written for a context below the root, it was served with
/// the root (its source "may be generated before the build"), and the proposal kept `images`.
/// Not served now, said in a note; the root Dockerfile is served as before.
#[test]
fn a_found_dockerfile_whose_source_climbs_out_is_not_served_with_the_root() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY app.txt /\n")
        .file("app.txt", "x\n")
        .file(
            "database/mysql/Dockerfile",
            "FROM mysql\nRUN mkdir -p /images/\nCOPY ../images /images\n",
        );
    let o = env.run(["suggest", "."]);
    let err = String::from_utf8_lossy(&o.stderr);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("serves    database/mysql/Dockerfile"),
        "{err}"
    );
    assert!(
        err.contains("database/mysql/Dockerfile (found in the context) not served: its source `../images` climbs out of the build context"),
        "{err}"
    );
    assert!(!out.contains("images"), "{out}");
}

/// kaniko: ~90 test Dockerfiles in `integration/dockerfiles/`, none built with the root, got a
/// note each (the summary showed twenty and "… and 78 more"). One note per directory holding
/// more than three, with the count, a few names and the count of each reason; a directory with
/// fewer keeps a note each.
#[test]
fn many_unserved_dockerfiles_of_one_directory_share_one_note() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY app.txt /\n")
        .file("app.txt", "x\n");
    for i in 0..5 {
        env.file(
            format!("integration/dockerfiles/Dockerfile_test_{i}"),
            "FROM alpine\nRUN true\n",
        );
    }
    env.file(
        "integration/dockerfiles/Dockerfile_test_copy",
        "FROM alpine\nCOPY context/foo /foo\n",
    )
    .file("integration/context/foo", "x\n")
    .file("other/a/Dockerfile", "FROM alpine\nRUN true\n")
    .file("other/b/Dockerfile", "FROM alpine\nRUN true\n");
    let o = env.run(["suggest", "."]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let notes: Vec<&str> = err.lines().filter(|l| l.contains("note:")).collect();
    let one: Vec<&&str> = notes
        .iter()
        .filter(|l| l.contains("integration/dockerfiles/"))
        .collect();
    assert_eq!(one.len(), 1, "{err}");
    assert!(
        one[0].contains("6 Dockerfiles found in integration/dockerfiles/ not served (Dockerfile_test_0, Dockerfile_test_1, Dockerfile_test_2 and 3 more): 5 copy nothing from a build context, 1 name sources that do not exist in this context"),
        "{err}"
    );
    assert!(one[0].contains("`ctxsize suggest integration`"), "{err}");
    assert!(
        notes
            .iter()
            .any(|l| l.contains("other/a/Dockerfile (found in the context) not served")),
        "{err}"
    );
    assert!(
        notes
            .iter()
            .any(|l| l.contains("other/b/Dockerfile (found in the context) not served")),
        "{err}"
    );
}

/// Without any Dockerfile discovery serves, lint says so as before, and the classic builder's
/// comparison is skipped with the reason.
#[test]
fn lint_without_any_served_dockerfile_keeps_its_notes() {
    let env = TestEnv::new();
    env.file("a.txt", "a")
        .file("docker/api/Dockerfile", "FROM scratch\n");
    let o = env.run(["lint", "."]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(0), "{all}");
    assert!(
        all.contains("checked for BuildKit's context alone"),
        "{all}"
    );
    assert!(
        all.contains("needs a Dockerfile: builder comparison skipped"),
        "{all}"
    );
}

/// A Compose service building the context from `dockerfile_inline`: the report analysed it,
/// `suggest --compose` stopped with exit 2 (it read Dockerfiles from files only). It is served
/// like any other Dockerfile now, alone or beside the root one, and `--write` writes the file.
#[test]
fn suggest_compose_serves_a_dockerfile_inline() {
    let env = TestEnv::new();
    env.file(
        "compose.yml",
        "services:\n  web:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM alpine\n        COPY app.txt /\n",
    )
    .file("app.txt", "x\n")
    .file("junk.log", "y\n")
    .file("other.txt", "z\n");
    let o = env.run(["suggest", "--compose", "--write", "."]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("serves    dockerfile_inline of web (compose service web)"),
        "{err}"
    );
    assert!(
        err.contains("Compose builds `dockerfile_inline` with BuildKit only"),
        "{err}"
    );
    let written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    assert!(written.contains("!app.txt"), "{written}");
    assert!(!written.contains("junk.log"), "{written}");
    // Beside a root Dockerfile: both served, the proposal keeps what each copies.
    env.file("Dockerfile", "FROM alpine\nCOPY other.txt /\n");
    let o = env.run(["suggest", "--compose", "."]);
    let err = String::from_utf8_lossy(&o.stderr);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        out.contains("!app.txt") && out.contains("!other.txt"),
        "{out}"
    );
}
