//! The words of a Dockerfile's `RUN` steps, as the Dockerfile reader reads them (continuations,
//! escape directive, heredoc bodies), and what they tell about the build: whether a step runs
//! git on a local repository, runs tests, reads a Symfony `.env`. A word test, not a shell:
//! enough to keep what a step visibly reads.

/// The lowercased words of the `RUN` steps of a Dockerfile's text (flags left out, heredoc
/// bodies in), split at white space and shell punctuation (`;`, `&`, `|`, parentheses,
/// quotes). None when the text cannot be read as a Dockerfile. Callers concatenate
/// [`run_commands`] themselves, which they need as well; the tests use this.
#[cfg(test)]
pub(crate) fn run_words(text: &str) -> Vec<String> {
    run_commands(text).concat()
}

/// The words of `run_words`, one list per command: split as well where a command ends (`;`,
/// `&&`, `||`, `|`, `&`, parentheses, a line break of a here-document body), so that what a
/// command's arguments say (`npm i yarn -g`: a global install) stays with that command.
pub(crate) fn run_commands(text: &str) -> Vec<Vec<String>> {
    let Ok((instrs, _esc)) = super::parse::read(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (raw, _names) in instrs {
        if raw.cmd.eq_ignore_ascii_case("RUN") {
            for t in [&raw.rest, &raw.heredoc_text] {
                // A continued line of a here-document body is one command.
                let t = t.replace("\\\n", " ").replace("\\\r\n", " ");
                out.extend(
                    t.split(['\n', ';', '&', '|', '(', ')'])
                        .map(words)
                        .filter(|w| !w.is_empty()),
                );
            }
        }
    }
    out
}

/// `text` split as `run_words` splits it.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '"' | '\''))
        .filter(|w| !w.is_empty() && *w != "\\")
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Whether `w` (a word of a `RUN` step) names a script interpreter: `python3`,
/// `/opt/venv/bin/python`, `python3.12`, `node`, `ruby`, `perl`, `php`, `bash`, `sh`.
fn interpreter(w: &str) -> bool {
    let tool = w.rsplit('/').next().unwrap_or(w);
    let base = tool.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    matches!(
        base,
        "python" | "node" | "ruby" | "perl" | "php" | "bash" | "sh" | "deno" | "bun"
    )
}

/// The words of a script's code: split as [`words`] splits, and at a list's punctuation too
/// (`['git', 'describe']`, `["git", "rev-parse"]`), so that a command written as a list of
/// arguments reads as one.
fn code_words(text: &str) -> Vec<String> {
    text.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ';' | '&' | '|' | '(' | ')' | '"' | '\'' | ',' | '[' | ']' | '{' | '}'
            )
    })
    .filter(|w| !w.is_empty() && *w != "\\")
    .map(str::to_ascii_lowercase)
    .collect()
}

/// Whether the build runs git on a local repository: a `RUN` step does ([`runs_git`]), or a
/// step runs `make` and the context's root Makefile computes a value with `$(shell git …)`
/// (a version stamp: make evaluates it on every run), or a step runs a script from the context
/// (`./hack/build`, `scripts/version.sh`, relative to the context root) that runs git.
/// `read(rel)` gives the text of a file of the context, if it exists.
pub(crate) fn build_runs_git(run_words: &[String], read: impl Fn(&str) -> Option<String>) -> bool {
    if runs_git(run_words) {
        return true;
    }
    if run_words
        .iter()
        .any(|w| matches!(w.rsplit('/').next(), Some("make" | "gmake")))
    {
        let shell_git = |t: &str| {
            t.match_indices("$(shell").any(|(k, _)| {
                let inner = t[k + 7..].split(')').next().unwrap_or("");
                runs_git(&words(inner))
            })
        };
        if ["GNUmakefile", "makefile", "Makefile"]
            .iter()
            .filter_map(|m| read(m))
            .any(|t| shell_git(&t))
        {
            return true;
        }
    }
    let by_script = run_words.iter().enumerate().any(|(k, w)| {
        let rel = w.trim_start_matches("./");
        let plain = !rel.starts_with(['/', '-', '$']) && !rel.contains("://");
        let script = plain && (rel.contains('/') || rel.ends_with(".sh"));
        if script && read(rel).is_some_and(|t| runs_git(&words(&t))) {
            return true;
        }
        // `python version.py`, `node scripts/stamp.mjs`: a script an interpreter runs, whose
        // code runs git (`subprocess.check_output(['git', 'rev-parse', 'HEAD'])`).
        plain
            && k > 0
            && interpreter(&run_words[k - 1])
            && read(rel).is_some_and(|t| runs_git(&code_words(&t)))
    });
    by_script || build_tool_reads_git(run_words, &read)
}

/// Whether a build tool a `RUN` step runs reads the repository: `cargo build` with a root
/// `build.rs` that runs git (`Command::new("git")` with `describe`, `rev-parse`, …) or a build
/// dependency that does (vergen, git-version, shadow-rs, git-testament); a Python install or
/// build of the project whose version comes from git (setuptools-scm, hatch-vcs, versioningit,
/// poetry-dynamic-versioning, dunamai, pbr: without `.git` the build fails); `npm`/`yarn`/
/// `pnpm`/`bun` with a root `package.json` whose scripts run git; `cmake` configuring a root
/// `CMakeLists.txt` that runs git (`execute_process` of `${GIT_EXECUTABLE}` or `git` with
/// `log`, `describe`, `rev-parse`, …, or the `GetGitRevisionDescription` module's functions:
/// a commit hash stamped into the binary, gone without `.git`); Maven with a root `pom.xml`
/// using `git-commit-id` (the build fails without `.git`) or `buildnumber-maven-plugin` on a
/// git SCM (the revision becomes its fallback); Gradle with a root build script applying a
/// git versioning plugin (`com.palantir.git-version`, `gradle-git-properties`,
/// `axion-release`, grgit, `nebula.release`); Mage (`mage build`) with a root `magefile.go`
/// (or `magefiles/magefile.go`) that runs git (`exec.Command("git", "describe", …)`,
/// `sh.Output("git", "rev-parse", …)`: a version stamp, the build fails without `.git`).
fn build_tool_reads_git(run_words: &[String], read: &impl Fn(&str) -> Option<String>) -> bool {
    let tool_then = |k: usize, subs: &[&str]| {
        run_words
            .get(k + 1)
            .is_some_and(|n| subs.contains(&n.as_str()))
    };
    let (mut cargo, mut python, mut node, mut cmake) = (false, false, false, false);
    let (mut maven, mut gradle, mut mage) = (false, false, false);
    // Go files a step runs or tests by name (`go test ./util/system_test.go …`, `go run
    // version.go`).
    let mut go_files: Vec<&str> = Vec::new();
    for (k, w) in run_words.iter().enumerate() {
        let tool = w.rsplit('/').next().unwrap_or(w);
        // `xx-cargo` (tonistiigi/xx's cross-compiling wrapper) runs cargo.
        let tool = if tool.ends_with("-cargo") {
            "cargo"
        } else {
            tool
        };
        match tool {
            "cargo" => {
                cargo |= tool_then(
                    k,
                    &["build", "b", "install", "run", "r", "test", "t", "rustc"],
                )
            }
            "pip" | "pip3" => {
                python |= tool_then(k, &["install", "wheel"]) && installs_project(&run_words[k..])
            }
            "poetry" | "pdm" | "hatch" | "flit" => {
                python |= tool_then(k, &["install", "build", "sync"])
            }
            "uv" => {
                python |= tool_then(k, &["sync", "build"])
                    || (tool_then(k, &["pip"]) && installs_project(&run_words[k..]))
            }
            "build" => python |= k > 0 && run_words[k - 1] == "-m",
            "setup.py" => {
                python |= tool_then(k, &["install", "develop", "bdist_wheel", "sdist", "build"])
            }
            "npm" | "yarn" | "pnpm" | "bun" | "npx" => node = true,
            "go" if tool_then(k, &["test", "run", "generate"]) => go_files.extend(
                run_words[k + 2..]
                    .iter()
                    .filter(|f| f.ends_with(".go"))
                    .map(|f| f.trim_start_matches("./")),
            ),
            "mvn" | "mvnw" => maven = true,
            "gradle" | "gradlew" => gradle = true,
            // Run with a target or an option (`mage build:clean`, `mage -v build`), not moved
            // into place (`mv /go/bin/mage /usr/local/bin`).
            "mage" => {
                mage |= run_words
                    .get(k + 1)
                    .is_some_and(|n| !n.starts_with(['/', '.', '$', '~']))
            }
            // Run, not installed (`apt-get install -y cmake make`): an option or a source
            // directory follows.
            "cmake" => {
                cmake |= run_words.get(k + 1).is_some_and(|n| {
                    n.starts_with('-') || matches!(n.as_str(), "." | "..") || n.starts_with("../")
                })
            }
            _ => {}
        }
    }
    let quoted_git = |t: &str| {
        t.contains("\"git\"")
            && [
                "describe",
                "rev-parse",
                "rev-list",
                "log",
                "symbolic-ref",
                "show",
            ]
            .iter()
            .any(|s| t.contains(&format!("\"{s}\"")))
    };
    const CARGO_DEPS: &[&str] = &["vergen", "git-version", "shadow-rs", "git-testament"];
    let cargo_git = || {
        read("build.rs").is_some_and(|t| quoted_git(&t))
            || read("Cargo.toml").is_some_and(|t| {
                t.lines().any(|l| {
                    let name = l.trim_start().split(['=', ' ', '.']).next().unwrap_or("");
                    CARGO_DEPS
                        .iter()
                        .any(|d| name == *d || name.starts_with(&format!("{d}-")))
                })
            })
    };
    const PY_SCM: &[&str] = &[
        "setuptools_scm",
        "setuptools-scm",
        "hatch-vcs",
        "hatch_vcs",
        "versioningit",
        "poetry-dynamic-versioning",
        "dunamai",
        "use_scm_version",
        "pbr=true",
    ];
    let python_git = || {
        ["pyproject.toml", "setup.py", "setup.cfg"].iter().any(|f| {
            read(f).is_some_and(|t| {
                let t = t.to_ascii_lowercase().replace(' ', "");
                PY_SCM.iter().any(|m| t.contains(m))
            })
        })
    };
    let node_git = || read("package.json").is_some_and(|t| node_scripts_run_git(run_words, &t));
    let cmake_git = || {
        read("CMakeLists.txt").is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            let exec_git = t.match_indices("execute_process(").any(|(k, _)| {
                let call = &t[k..];
                let call = &call[..call.find(')').unwrap_or(call.len())];
                let w = words(call);
                (call.contains("git_executable") || w.iter().any(|x| x == "git"))
                    && [
                        "describe",
                        "rev-parse",
                        "rev-list",
                        "log",
                        "symbolic-ref",
                        "show",
                    ]
                    .iter()
                    .any(|s| w.iter().any(|x| x == s))
            });
            exec_git || t.contains("get_git_head_revision(") || t.contains("git_describe(")
        })
    };
    // `SETUPTOOLS_SCM_PRETEND_VERSION=… pip install .` gives the version without git.
    let pretend = run_words.iter().any(|w| w.contains("pretend_version"));
    let maven_git = || {
        read("pom.xml").is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            t.contains("git-commit-id")
                || (t.contains("buildnumber-maven-plugin") && t.contains("scm:git"))
        })
    };
    const GRADLE_GIT: &[&str] = &[
        "com.palantir.git-version",
        "gradle-git-properties",
        "axion-release",
        "org.ajoberstar.grgit",
        "nebula.release",
    ];
    let gradle_git = || {
        [
            "build.gradle",
            "build.gradle.kts",
            "settings.gradle",
            "settings.gradle.kts",
        ]
        .iter()
        .any(|f| read(f).is_some_and(|t| GRADLE_GIT.iter().any(|p| t.contains(p))))
    };
    let mage_git = || {
        ["magefile.go", "magefiles/magefile.go"]
            .iter()
            .any(|f| read(f).is_some_and(|t| quoted_git(&t)))
    };
    // A Go file that runs git (`exec.Command("git", "describe")`) or opens the repository with
    // go-git (casdoor's `TestGetVersionInfo`, run by its Dockerfile: `git.PlainOpen` of the
    // source root, the test fails without `.git`).
    let go_git = || {
        go_files.iter().any(|f| {
            read(f).is_some_and(|t| {
                quoted_git(&t) || (t.contains("go-git/go-git") && t.contains("git.PlainOpen"))
            })
        })
    };
    (cargo && cargo_git())
        || go_git()
        || (mage && mage_git())
        || (maven && maven_git())
        || (gradle && gradle_git())
        || (python && !pretend && python_git())
        || (node && node_git())
        || (cmake && cmake_git())
}

/// Whether the `package.json` scripts a `RUN` step runs (the install lifecycle scripts,
/// `npm run NAME`, `yarn NAME`, and the scripts those run, with their `pre`/`post` scripts) run
/// git on the local repository. A release script that tags is not run by a build.
fn node_scripts_run_git(run_words: &[String], package_json: &str) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(package_json) else {
        return false;
    };
    let Some(scripts) = v.get("scripts").and_then(|s| s.as_object()) else {
        return false;
    };
    // Names of scripts that `words` runs.
    let invoked = |words: &[String]| -> Vec<String> {
        let mut out = Vec::new();
        for (k, w) in words.iter().enumerate() {
            let tool = w.rsplit('/').next().unwrap_or(w);
            if !matches!(tool, "npm" | "yarn" | "pnpm" | "bun") {
                continue;
            }
            let next = words.get(k + 1).map(String::as_str).unwrap_or("");
            let name = match next {
                "run" | "run-script" => words
                    .get(k + 2)
                    .into_iter()
                    .chain(words.get(k + 3))
                    .find(|x| !x.starts_with('-'))
                    .cloned(),
                "install" | "i" | "ci" | "add" => Some("install".to_string()),
                "" => Some("install".to_string()),
                x if tool != "npm" && !x.starts_with('-') => Some(x.to_string()),
                _ => None,
            };
            out.extend(name);
        }
        out
    };
    let mut todo = invoked(run_words);
    if !todo.is_empty() {
        // Install runs these lifecycle scripts.
        todo.extend(["preinstall", "postinstall", "prepare"].map(String::from));
    }
    let mut seen: Vec<String> = Vec::new();
    while let Some(name) = todo.pop() {
        if seen.contains(&name) || seen.len() > 64 {
            continue;
        }
        seen.push(name.clone());
        // Script names are case-sensitive; the RUN words are lowercased.
        for (key, body) in scripts {
            let key_l = key.to_ascii_lowercase();
            let hit = [name.clone(), format!("pre{name}"), format!("post{name}")].contains(&key_l);
            let Some(body) = body.as_str().filter(|_| hit) else {
                continue;
            };
            let w = words(body);
            if runs_git(&w) {
                return true;
            }
            todo.extend(invoked(&w));
        }
    }
    false
}

/// Whether a `pip install`/`pip wheel` at the start of `w` installs a project from a directory
/// (`.`, `./…`, `-e .`, `/src` where a COPY put it, `$APP_DIR`), not only its requirements
/// (`-r requirements.txt`) or packages by name.
fn installs_project(w: &[String]) -> bool {
    let mut after_file_flag = false;
    for x in w
        .iter()
        .skip(2)
        .take(16)
        .take_while(|x| !matches!(x.as_str(), "pip" | "pip3" | "uv" | "rm" | "cd"))
    {
        let file_arg = std::mem::replace(
            &mut after_file_flag,
            matches!(
                x.as_str(),
                "-r" | "--requirement" | "-c" | "--constraint" | "--target" | "-t" | "--prefix"
            ),
        );
        if file_arg || x.starts_with('-') || x.contains("://") {
            continue;
        }
        if x == "."
            || x.starts_with("./")
            || x.starts_with(".[")
            || x.starts_with('/')
            || x.starts_with('$')
        {
            return true;
        }
    }
    false
}

/// Whether the words of `RUN` steps (`run_words`) run git on a local repository: a `git`
/// command whose subcommand (after options such as `-C DIR`) reads one.
pub(crate) fn runs_git(words: &[String]) -> bool {
    const LOCAL: &[&str] = &[
        "describe",
        "rev-parse",
        "rev-list",
        "log",
        "show",
        "diff",
        "status",
        "ls-files",
        "symbolic-ref",
        "tag",
        "branch",
        "name-rev",
        "for-each-ref",
        "cat-file",
        "archive",
        "submodule",
        "stash",
        "blame",
        "shortlog",
        "checkout",
        "reset",
        "fetch",
        "pull",
        "update-index",
        "diff-index",
        "config",
    ];
    words.iter().enumerate().any(|(k, w)| {
        if w.trim_start_matches(['`', '$']).rsplit('/').next() != Some("git") {
            return false;
        }
        let mut j = k + 1;
        while let Some(x) = words.get(j) {
            // Lowercased: `-c` is also `-C DIR`.
            if matches!(x.as_str(), "-c" | "--git-dir" | "--work-tree") {
                j += 2;
            } else if x.starts_with('-') {
                j += 1;
            } else {
                break;
            }
        }
        words
            .get(j)
            .is_some_and(|sub| LOCAL.contains(&sub.as_str()))
    })
}

/// Whether the words of `RUN` steps (`run_words`) boot a Symfony app or dump its environment
/// (`composer dump-env`, `composer run-script`/`run`, `bin/console`): those read the `.env` the
/// build copies and fail without it.
pub(crate) fn reads_dotenv(words: &[String]) -> bool {
    words.iter().enumerate().any(|(k, w)| {
        let next = words.get(k + 1).map(String::as_str).unwrap_or("");
        match w.rsplit('/').next().unwrap_or(w) {
            "composer" => matches!(next, "dump-env" | "run-script" | "run"),
            "console" => w.ends_with("bin/console"),
            _ => false,
        }
    })
}

/// Whether a `RUN` step builds Go code (`go build`, `go install` of a local package; not with
/// `-buildvcs=false`) while another installs git (`apk add git=~2`, `apt-get install -y git`):
/// the Go toolchain then stamps the copied repository's revision into the binary (`vcs.revision`,
/// `vcs.modified`, what a `version` command prints), which it reads from `.git` with git.
/// `commands` are [`run_commands`].
pub(crate) fn go_build_stamps_vcs(commands: &[Vec<String>]) -> bool {
    let installs_git = commands.iter().any(|c| {
        let verb = c
            .iter()
            .position(|w| matches!(w.as_str(), "add" | "install"));
        let Some(v) = verb else { return false };
        let manager = c[..v].iter().any(|w| {
            matches!(
                w.rsplit('/').next().unwrap_or(w),
                "apk" | "apt-get" | "apt" | "dnf" | "yum" | "microdnf" | "zypper" | "tdnf"
            )
        });
        manager
            && c[v + 1..].iter().any(|p| {
                let name = p.split('=').next().unwrap_or(p);
                matches!(name, "git" | "git-core")
            })
    });
    installs_git
        && commands.iter().any(|c| {
            let Some(k) = c.iter().position(|w| w.rsplit('/').next() == Some("go")) else {
                return false;
            };
            let sub = c.get(k + 1).map(String::as_str);
            let local = match sub {
                Some("build") => true,
                // `go install github.com/x/tool@latest` builds a module from the network.
                Some("install") => !c[k + 2..].iter().any(|w| w.contains('@')),
                _ => false,
            };
            local && !c.iter().any(|w| w.contains("-buildvcs=false"))
        })
}

/// Whether the words of a Dockerfile's `RUN` lines (lowercased) run a project's tests.
pub(crate) fn runs_tests(words: &[String]) -> bool {
    let skip = words
        .iter()
        .any(|w| w.starts_with("-dskiptests") || w.starts_with("-dmaven.test.skip=true"));
    words.iter().enumerate().any(|(k, w)| {
        let next = words.get(k + 1).map(String::as_str).unwrap_or("");
        let tool = w.rsplit('/').next().unwrap_or(w);
        match tool {
            "go" | "cargo" | "dotnet" | "npm" | "yarn" | "pnpm" | "bun" | "make" | "deno"
                if next == "test" =>
            {
                true
            }
            "make" => next == "check",
            "pytest" | "py.test" | "tox" | "nox" | "phpunit" | "rspec" | "jest" | "vitest"
            | "ctest" => true,
            "npm" | "yarn" | "pnpm" | "bun" if next == "run" => {
                words.get(k + 2).is_some_and(|x| x.starts_with("test"))
            }
            "mvn" | "mvnw" => {
                !skip
                    && words[k + 1..]
                        .iter()
                        .any(|x| matches!(x.as_str(), "test" | "verify" | "install" | "package"))
            }
            "gradle" | "gradlew" => {
                let excluded = words.iter().any(|x| x == "-x" || x == "--exclude-task");
                !excluded
                    && words[k + 1..]
                        .iter()
                        .any(|x| matches!(x.as_str(), "test" | "check" | "build"))
            }
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(df: &str) -> bool {
        runs_git(&run_words(df))
    }

    #[test]
    fn git_on_the_local_repository() {
        assert!(git("FROM x\nRUN git describe --tags > /v\n"));
        assert!(git(
            "FROM x\nRUN make && VERSION=$(git rev-parse HEAD) go build\n"
        ));
        assert!(git("FROM x\nRUN echo `git rev-parse HEAD`\n"));
        assert!(git("FROM x\nRUN git -C /src log -1\n"));
        assert!(git(
            "FROM x\nRUN --mount=target=. <<'EOT'\n  set -e\n  git rev-parse HEAD\nEOT\n"
        ));
        assert!(git(
            "FROM x\nRUN <<-EOT bash\n\tgit describe\n\tEOT\nCOPY . .\n"
        ));
        // Cloning or reaching a remote reads no local repository.
        assert!(!git("FROM x\nRUN git clone https://example.com/r.git /r\n"));
        assert!(!git("FROM x\nRUN apk add git\n"));
        assert!(!git(
            "FROM x\nRUN git ls-remote https://example.com/r.git\n"
        ));
        // A here-document ends at its delimiter; what follows is not a RUN step.
        assert!(!git(
            "FROM x\nRUN <<EOT\necho hi\nEOT\nLABEL git=describe\n"
        ));
        // `<<` inside arithmetic opens no here-document.
        assert!(git("FROM x\nRUN echo $((1<<3))\nRUN git describe\n"));
    }

    #[test]
    fn go_build_with_git_installed() {
        let stamps = |df: &str| go_build_stamps_vcs(&run_commands(df));
        // grafana/k6: git is installed for the Go toolchain's VCS stamp.
        assert!(stamps(
            "FROM golang:alpine\nCOPY . .\nRUN apk --no-cache add git=~2\nRUN CGO_ENABLED=0 GOOS=$TARGETOS go build -trimpath -o /usr/bin/k6\n"
        ));
        assert!(stamps(
            "FROM golang:alpine\nCOPY . .\nRUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && go install ./cmd/app\n"
        ));
        // No git installed, the stamp turned off, or a tool fetched from the network.
        assert!(!stamps("FROM golang\nCOPY . .\nRUN go build -o /app .\n"));
        assert!(!stamps(
            "FROM golang:alpine\nRUN apk add git\nCOPY . .\nRUN go build -buildvcs=false -o /app .\n"
        ));
        assert!(!stamps(
            "FROM golang:alpine\nRUN apk add git\nRUN go install github.com/magefile/mage@latest\n"
        ));
        // git named only as a later command, not installed.
        assert!(!stamps(
            "FROM golang:alpine\nRUN apk add curl && git clone https://example.com/r.git /r\nRUN go build .\n"
        ));
    }

    #[test]
    fn git_through_a_go_test_the_build_runs() {
        // casdoor: `go test` of named files, one opening the repository with go-git (the test
        // fails without `.git`).
        let system = "import (\n\t\"github.com/go-git/go-git/v5\"\n)\nfunc GetVersionInfo() {\n\tr, err := git.PlainOpen(rootPath)\n}\n";
        let at = |path: &'static str, text: &'static str| {
            move |name: &str| (name == path).then(|| text.to_string())
        };
        let df = "FROM golang\nCOPY . .\nRUN go test -v -run TestGetVersionInfo ./util/system_test.go ./util/system.go ./util/variable.go\nRUN ./build.sh\n";
        assert!(build_runs_git(&run_words(df), at("util/system.go", system)));
        let stamp =
            "func main() { out, _ := exec.Command(\"git\", \"describe\", \"--tags\").Output() }\n";
        let gen = "FROM golang\nCOPY . .\nRUN go run tools/version.go > version.txt\n";
        assert!(build_runs_git(
            &run_words(gen),
            at("tools/version.go", stamp)
        ));
        // A named file that reads no repository, or one only built, not run or tested.
        assert!(!build_runs_git(
            &run_words(df),
            at("util/system.go", "func Uptime() int { return 1 }\n")
        ));
        let built = "FROM golang\nCOPY . .\nRUN go build -o /app ./util/system.go\n";
        assert!(!build_runs_git(
            &run_words(built),
            at("util/system.go", system)
        ));
    }

    #[test]
    fn git_through_mage() {
        // vikunja: `mage build:clean` compiles the root magefile.go, whose version stamp runs
        // `git describe` through a helper taking the arguments.
        let magefile = "func runGit(ctx context.Context, arg ...string) ([]byte, error) {\n\treturn exec.CommandContext(ctx, \"git\", arg...).Output()\n}\nfunc version(ctx context.Context) {\n\trunGit(ctx, \"describe\", \"--tags\")\n}\n";
        let at =
            |path: &'static str| move |name: &str| (name == path).then(|| magefile.to_string());
        let df = "FROM golang\nRUN go install github.com/magefile/mage@latest && mv /go/bin/mage /usr/local/go/bin\nCOPY . ./\nRUN mage build:clean && (cd build && mage release:xgo linux/amd64)\n";
        assert!(build_runs_git(&run_words(df), at("magefile.go")));
        assert!(build_runs_git(&run_words(df), at("magefiles/magefile.go")));
        assert!(build_runs_git(
            &run_words("FROM golang\nCOPY . .\nRUN mage -v build\n"),
            at("magefile.go")
        ));
        // Only installed and moved into place, never run: no magefile is compiled.
        let installed = "FROM golang\nRUN go install github.com/magefile/mage@latest && mv /go/bin/mage /usr/local/bin\nCOPY . .\nRUN go build ./...\n";
        assert!(!build_runs_git(&run_words(installed), at("magefile.go")));
        // A magefile that runs no git.
        assert!(!build_runs_git(&run_words(df), |name: &str| (name
            == "magefile.go")
            .then(|| {
                "func Build() error { return sh.Run(\"go\", \"build\") }\n".to_string()
            })));
    }

    #[test]
    fn git_through_a_build_tool() {
        let q = |s: &str| format!("\"{s}\"");
        let build_rs = format!(
            "fn main() {{ let v = run(&[{}, {}, {}]); }}\n",
            q("git"),
            q("describe"),
            q("--tags")
        );
        let files = |name: &str| -> Option<String> {
            match name {
                "build.rs" => Some(build_rs.clone()),
                "pyproject.toml" => Some(
                    "[build-system]\nrequires = [\"setuptools>=64\", \"setuptools-scm>=8\"]\n"
                        .into(),
                ),
                "package.json" => Some(
                    "{\"scripts\": {\"build\": \"GIT_SHA=$(git rev-parse HEAD) vite build\"},\n\"repository\": {\"type\": \"git\"}}\n"
                        .into(),
                ),
                _ => None,
            }
        };
        let via = |df: &str| build_runs_git(&run_words(df), files);
        assert!(via("FROM rust\nCOPY . .\nRUN cargo build --release\n"));
        assert!(via(
            "FROM rust\nCOPY . .\nRUN xx-cargo build --profile release\n"
        ));
        assert!(via(
            "FROM python\nCOPY . .\nRUN pip install --no-cache-dir .\n"
        ));
        assert!(via("FROM python\nCOPY . .\nRUN python -m build\n"));
        assert!(via("FROM python\nCOPY . /src\nRUN pip install /src\n"));
        assert!(via(
            "FROM python\nCOPY . /src\nRUN pip install --no-cache-dir -e /src\n"
        ));
        assert!(via(
            "FROM python\nCOPY . \"$CODE_DIR/\"\nRUN pip install \"$CODE_DIR\"\n"
        ));
        assert!(via("FROM python\nCOPY . .\nRUN python setup.py install\n"));
        assert!(!via(
            "FROM python\nCOPY req.txt /tmp/\nRUN pip install -r /tmp/req.txt gunicorn\n"
        ));
        assert!(!via(
            "FROM python\nCOPY . .\nRUN SETUPTOOLS_SCM_PRETEND_VERSION=1.0 pip install .\n"
        ));
        assert!(via("FROM python\nCOPY . .\nRUN uv sync --frozen\n"));
        assert!(via("FROM node\nCOPY . .\nRUN npm ci && npm run build\n"));
        // A release script that tags is not run by the build.
        let release = |name: &str| -> Option<String> {
            (name == "package.json").then(|| {
                "{\"scripts\": {\"build\": \"vite build\", \"release\": \"git tag v1 && git describe\"}}"
                    .into()
            })
        };
        assert!(!build_runs_git(
            &run_words("FROM node\nRUN npm ci && npm run build\n"),
            release
        ));
        // fluent-bit: CMake stamps the commit hash (`execute_process` of `git log -1`).
        let cmake_lists = |name: &str| -> Option<String> {
            (name == "CMakeLists.txt").then(|| {
                "find_package(Git)\nexecute_process(COMMAND\n  \"${GIT_EXECUTABLE}\" -c log.showSignature=false log -1 --format=%H\n  OUTPUT_VARIABLE FLB_GIT_HASH)\n"
                    .into()
            })
        };
        let cm = |df: &str| build_runs_git(&run_words(df), cmake_lists);
        assert!(cm(
            "FROM debian\nRUN apt-get install -y cmake make\nCOPY . /src\nWORKDIR /src/build\nRUN cmake -DX=On .. && make\n"
        ));
        assert!(cm("FROM debian\nCOPY . /src\nRUN cmake -S /src -B /b\n"));
        // Installed, never run: no configure step reads the repository.
        assert!(!cm(
            "FROM debian\nRUN apt-get install -y cmake make\nCOPY . /src\nRUN make -C /src\n"
        ));
        // A CMakeLists.txt that runs no git.
        let plain = |name: &str| -> Option<String> {
            (name == "CMakeLists.txt")
                .then(|| "project(x)\nexecute_process(COMMAND uname -m OUTPUT_VARIABLE A)\n".into())
        };
        assert!(!build_runs_git(
            &run_words("FROM debian\nCOPY . /src\nRUN cmake -S /src -B /b\n"),
            plain
        ));
        // openmrs: Maven's buildnumber plugin reads the revision from git.
        let pom = |name: &str| -> Option<String> {
            (name == "pom.xml").then(|| {
                "<project><scm><connection>scm:git:git@example.com:o/r</connection></scm>\n<build><plugins><plugin><artifactId>buildnumber-maven-plugin</artifactId></plugin></plugins></build></project>\n"
                    .into()
            })
        };
        let mvn = |df: &str| build_runs_git(&run_words(df), pom);
        assert!(mvn(
            "FROM maven\nCOPY . .\nARG MVN_ARGS='clean install -DskipTests'\nRUN mvn $MVN_ARGS\n"
        ));
        assert!(mvn(
            "FROM eclipse-temurin\nCOPY . .\nRUN ./mvnw -B package\n"
        ));
        assert!(!mvn("FROM maven\nCOPY . .\nRUN make\n"));
        let gradle = |name: &str| -> Option<String> {
            (name == "build.gradle.kts").then(|| {
                "plugins {\n    id(\"com.palantir.git-version\") version \"3.0.0\"\n}\n".into()
            })
        };
        assert!(build_runs_git(
            &run_words("FROM gradle\nCOPY . .\nRUN ./gradlew build\n"),
            gradle
        ));
        // A pom without a git plugin reads no repository.
        let plain_pom = |name: &str| -> Option<String> {
            (name == "pom.xml").then(|| "<project><scm>scm:git:x</scm></project>\n".into())
        };
        assert!(!build_runs_git(
            &run_words("FROM maven\nCOPY . .\nRUN mvn package\n"),
            plain_pom
        ));
        // A script the build runs that runs another that runs git.
        let chained = |name: &str| -> Option<String> {
            (name == "package.json").then(|| {
                "{\"scripts\": {\"build\": \"yarn stamp && vite build\", \"stamp\": \"git rev-parse HEAD > v\"}}"
                    .into()
            })
        };
        assert!(build_runs_git(
            &run_words("FROM node\nRUN yarn install && yarn build\n"),
            chained
        ));
        // Installing only the requirements builds no project.
        assert!(!via(
            "FROM python\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
        ));
        assert!(!via("FROM golang\nCOPY . .\nRUN go build ./...\n"));
        // Without a file that reads git, the tools read no repository.
        let plain = |name: &str| -> Option<String> {
            match name {
                "build.rs" => {
                    Some("fn main() { println!(\"cargo:rerun-if-changed=x\"); }\n".into())
                }
                "Cargo.toml" => Some("[build-dependencies]\ncc = \"1\"\n".into()),
                "package.json" => {
                    Some("{\"repository\": {\"type\": \"git\", \"url\": \"x\"}}\n".into())
                }
                "pyproject.toml" => Some("[build-system]\nrequires = [\"hatchling\"]\n".into()),
                _ => None,
            }
        };
        for df in [
            "FROM rust\nRUN cargo build\n",
            "FROM node\nRUN npm run build\n",
            "FROM python\nRUN pip install .\n",
        ] {
            assert!(!build_runs_git(&run_words(df), plain), "{df}");
        }
        let vergen = |name: &str| -> Option<String> {
            (name == "Cargo.toml")
                .then(|| "[build-dependencies]\nvergen-gitcl = { version = \"1\" }\n".into())
        };
        assert!(build_runs_git(
            &run_words("FROM rust\nRUN cargo install --path .\n"),
            vergen
        ));
    }

    #[test]
    fn dotenv_readers() {
        let r = |df: &str| reads_dotenv(&run_words(df));
        assert!(r("FROM php\nRUN composer dump-env prod\n"));
        assert!(r("FROM php\nRUN php bin/console cache:warmup\n"));
        assert!(r(
            "FROM php\nRUN set -eux; composer run-script --no-dev post-install-cmd\n"
        ));
        assert!(!r("FROM php\nRUN composer install --no-dev\n"));
    }

    #[test]
    fn git_through_a_makefile_or_a_script() {
        let files = |name: &str| -> Option<String> {
            match name {
                "Makefile" => Some(
                    "VERSION := $(shell git describe --tags --always)\nbuild:\n\tgo build\n".into(),
                ),
                "hack/build" => Some("#!/bin/sh\nset -e\nREV=$(git rev-parse HEAD)\n".into()),
                "scripts/lint.sh" => Some("#!/bin/sh\ngolangci-lint run\n".into()),
                _ => None,
            }
        };
        let via = |df: &str| build_runs_git(&run_words(df), files);
        assert!(via("FROM x\nCOPY . .\nRUN make build\n"));
        assert!(via("FROM x\nCOPY . .\nRUN ./hack/build\n"));
        assert!(!via("FROM x\nCOPY . .\nRUN ./scripts/lint.sh\n"));
        // A script an interpreter runs (TandoorRecipes/recipes: `RUN
        // /opt/recipes/venv/bin/python version.py`, whose code runs git as an argument list).
        let py = |name: &str| -> Option<String> {
            match name {
                "version.py" => Some(
                    "import subprocess\nr = subprocess.check_output(['git', 'show', '-s'], cwd=B)\n"
                        .into(),
                ),
                "manage.py" => Some("import os\nos.environ['git'] = 'x'\n".into()),
                _ => None,
            }
        };
        let run_py = |df: &str| build_runs_git(&run_words(df), py);
        assert!(run_py(
            "FROM x\nCOPY . ./\nRUN /opt/recipes/venv/bin/python version.py\n"
        ));
        assert!(run_py("FROM x\nCOPY . .\nRUN python3.12 ./version.py\n"));
        assert!(!run_py(
            "FROM x\nCOPY . .\nRUN python manage.py collectstatic\n"
        ));
        // Named without an interpreter, a `.py` word is an argument, not a script run.
        assert!(!run_py("FROM x\nCOPY . .\nRUN cp version.py /tmp/\n"));
        assert!(!via("FROM x\nCOPY . .\nRUN go build ./...\n"));
        // A Makefile that runs git only in a recipe (a release target) is not evaluated by
        // every make run.
        let recipe = |name: &str| -> Option<String> {
            (name == "Makefile").then(|| "release:\n\tgit tag v1\nbuild:\n\tgo build\n".into())
        };
        assert!(!build_runs_git(
            &run_words("FROM x\nRUN make build\n"),
            recipe
        ));
    }
}
