//! Rules corrected by qa46 on real repositories: a Maven build's `target/` beside `pom.xml`
//! goes from a whole-context proposal when the Dockerfile runs a Maven phase that writes it
//! again (mybatis/jpetstore-6: `COPY . /usr/src/myapp`, `RUN ./mvnw clean package`).

use crate::util::{assert_sends, suggest, TestEnv};

/// mybatis/jpetstore-6: `./mvnw clean package` after `COPY .` deletes and rebuilds `target/`,
/// yet suggest kept the developer's `target/` (the war, the classes) with a note. It goes now;
/// a Dockerfile that runs no Maven phase (`mvn dependency:go-offline`) or copies a prebuilt jar
/// keeps it, and so does a `target/` with no `pom.xml` beside it.
#[test]
fn maven_target_goes_when_the_dockerfile_runs_a_maven_phase() {
    for (run, removed) in [
        ("RUN ./mvnw clean package\n", true),
        ("RUN mvn -B -DskipTests install\n", true),
        ("RUN mvn dependency:go-offline\n", false),
        ("RUN echo no build\n", false),
    ] {
        let env = TestEnv::new();
        env.file(
            "Dockerfile",
            format!("FROM maven\nWORKDIR /usr/src/app\nCOPY . /usr/src/app\n{run}"),
        )
        .file("pom.xml", "<project/>\n")
        .file("src/main/java/App.java", "class App {}\n")
        .file("target/app.war", "war\n")
        .file("target/classes/App.class", "cls\n")
        .file("docs/target/page.md", "# not Maven's\n")
        .dockerignore("*.tmp\n");
        let (code, out, err) = suggest(&env, &["--write"]);
        assert_eq!(code, Some(0), "{out}{err}");
        let written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
        let target: &[&str] = &["target/app.war", "target/classes/App.class"];
        let (sent, gone) = if removed {
            (&[][..], target)
        } else {
            (target, &[][..])
        };
        let base = ["pom.xml", "src/main/java/App.java", "docs/target/page.md"];
        assert_sends(&env, &[&base[..], sent].concat(), gone, &written);
        assert_eq!(
            err.contains("Maven build output the Dockerfile rebuilds"),
            removed,
            "{run}{err}"
        );
    }
}

/// A Dockerfile that runs `mvn package` but also copies a jar from `target/` by name keeps
/// that path: a named source is never removed.
#[test]
fn a_named_target_source_stays_beside_a_maven_build() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM maven\nWORKDIR /app\nCOPY . .\nRUN mvn package\nCOPY target/app.jar /app.jar\n",
    )
    .file("pom.xml", "<project/>\n")
    .file("src/App.java", "class App {}\n")
    .file("target/app.jar", "jar\n")
    .dockerignore("*.tmp\n");
    let (code, out, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{out}{err}");
    let written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    assert_sends(
        &env,
        &["pom.xml", "src/App.java", "target/app.jar"],
        &[],
        &written,
    );
}

fn df003(env: &TestEnv) -> Vec<String> {
    let o = env.run(["--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DF003")
        .map(|f| format!("{} fix {}", f["message"], f["fix"]))
        .collect()
}

/// ErsatzTV: `COPY ErsatzTV/. ./ErsatzTV/` with `**/bin/` and `**/obj/` in the ignore file, and
/// a developer's `dotnet build` output beside `ErsatzTV.csproj`. The report warned that the
/// source was "only partly sent" (DF003, low, failing `--fail-on low`) and proposed
/// `!ErsatzTV`, which sends the build output again. Leaving out build output, dependency
/// trees, VCS data, logs and editor files is what those lines are for: no DF003. A file the
/// image may need (a doc page, a Rails binstub in a `bin/` beside no .NET project) still
/// raises it.
#[test]
fn partly_sent_ignores_what_the_ignore_file_keeps_out_on_purpose() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM mcr.microsoft.com/dotnet/sdk\nCOPY Api/. ./Api/\nCOPY web/ ./web/\n",
    )
    .file("Api/Api.csproj", "<Project/>\n")
    .file("Api/Program.cs", "class P {}\n")
    .file("Api/bin/Debug/net8.0/Api.dll", "dll\n")
    .file("Api/obj/project.assets.json", "{}\n")
    .file("Api/node_modules/x/index.js", "1\n")
    .file("Api/server.log", "log\n")
    .file("Api/.vs/settings.json", "{}\n")
    .file("web/app.rb", "x\n")
    .dockerignore("**/bin/\n**/obj/\n**/node_modules\n**/*.log\n**/.vs/\n");
    assert_eq!(df003(&env), Vec::<String>::new());
    // A Rails binstub in a `bin/` beside no .NET project file: the image may need it.
    env.file("web/bin/rails", "#!/bin/sh\n");
    let f = df003(&env);
    assert!(
        f.len() == 1 && f[0].contains("web/bin") && f[0].contains("COPY web/"),
        "{f:?}"
    );
    // A page kept out of the .NET source by a docs line is said too.
    env.file("Api/docs/readme.md", "# doc\n")
        .dockerignore("**/bin/\n**/obj/\n**/docs\n");
    let f = df003(&env);
    assert!(
        f.iter()
            .any(|m| m.contains("COPY Api/.") && m.contains("1 of") && m.contains("Api/docs")),
        "{f:?}"
    );
}

fn lint_di003(env: &TestEnv) -> (Vec<(String, String)>, Option<i32>) {
    let o = env.run(["lint", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DI003")
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (f, o.status.code())
}

/// kanboard/kanboard: its ignore file's root-only `*.js` (for the root's build scripts) and a
/// developer's `node_modules/` at the root. DI003 counted `node_modules/left-pad/index.js`,
/// graded medium by the dependency tree, and `lint` failed (exit 1) asking whether `**/*.js`
/// was meant, which is no fix for a sent `node_modules` (CTX301 names its own line). Files in
/// an installed dependency tree are not what a root-only pattern aimed at; the project's own
/// `lib/helper.js` still is, and `node_modules` written root-only still is about
/// `web/node_modules`.
#[test]
fn di003_does_not_count_files_inside_a_dependency_tree() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM php\nCOPY . /var/www/app\n")
        .file("composer.json", "{}\n")
        .file("index.php", "<?php\n")
        .file("gulpfile.js", "1\n")
        .file("node_modules/left-pad/index.js", "module.exports=1\n")
        .file("node_modules/left-pad/package.json", "{}\n")
        .dockerignore("*.js\n");
    let (f, code) = lint_di003(&env);
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(code, Some(0));
    env.file("lib/helper.js", "x\n");
    let (f, _) = lint_di003(&env);
    assert!(
        f.len() == 1 && f[0].1.contains("1 file") && f[0].1.contains("lib/helper.js"),
        "{f:?}"
    );
    env.file("web/package.json", "{}\n")
        .file("web/node_modules/x/index.js", "1\n")
        .dockerignore("node_modules\n");
    let (f, code) = lint_di003(&env);
    assert!(
        f.len() == 1 && f[0].0 == "medium" && f[0].1.contains("web/node_modules"),
        "{f:?}"
    );
    assert_eq!(code, Some(1));
}

/// PrestaShop/docker: `images/<version>/<variant>/Dockerfile`, 6 to 8 variants in each of ~90
/// versions, none built with the root. Each version got a note of its own ("6 Dockerfiles
/// found in images/1.7.7.0/ not served …", then "… and 70 more"). More than three such
/// directories in one parent share one note for the parent; a parent with fewer keeps a note
/// per directory.
#[test]
fn many_collapsed_directories_of_one_parent_share_one_note() {
    let env = TestEnv::new();
    env.file("Dockerfile.model", "FROM alpine\nCOPY app.txt /\n")
        .file("app.txt", "x\n");
    for v in 0..5 {
        for variant in ["7.4-apache", "7.4-fpm", "8.1-apache", "8.1-fpm"] {
            env.file(
                format!("images/1.7.{v}/{variant}/Dockerfile"),
                "FROM prestashop/base\n",
            );
        }
    }
    for v in 0..2 {
        for variant in ["a", "b", "c", "d"] {
            env.file(format!("old/{v}/{variant}/Dockerfile"), "FROM alpine\n");
        }
    }
    let o = env.run(["suggest", "-f", "Dockerfile.model", "."]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let notes: Vec<&str> = err.lines().filter(|l| l.contains("note:")).collect();
    let images: Vec<&&str> = notes.iter().filter(|l| l.contains("images/")).collect();
    assert_eq!(images.len(), 1, "{err}");
    assert!(
        images[0].contains("20 Dockerfiles found in images/ not served (1.7.0/7.4-apache/Dockerfile, 1.7.0/7.4-fpm/Dockerfile, 1.7.0/8.1-apache/Dockerfile and 17 more): 20 copy nothing from a build context"),
        "{err}"
    );
    for v in 0..2 {
        assert!(
            notes.iter().any(|l| l.contains(&format!(
                "4 Dockerfiles found in old/{v}/ not served (a/Dockerfile"
            ))),
            "{err}"
        );
    }
}
