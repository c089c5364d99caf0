use super::*;
use crate::dockerfile::ContextSource;
use model::Sel;
use plan::exact_pattern;

#[test]
fn patterns() {
    assert_eq!(keep_pattern("a/b/c.txt").as_deref(), Some("a/b/c.txt"));
    assert_eq!(keep_pattern("a/b[1]").as_deref(), Some("a/b\\[1\\]"));
    assert_eq!(keep_pattern("a[1]/b"), None);
    // What a line cannot hold as itself: `?`.
    assert_eq!(keep_pattern(" x").as_deref(), Some("?x"));
    assert_eq!(keep_pattern("a/b\x1bc ").as_deref(), Some("a/b?c?"));
    assert_eq!(keep_pattern("a\nb/c"), None);
    assert_eq!(exact_pattern("a\nb/c\r").as_deref(), Some("a?b/c?"));
    assert_eq!(exact_pattern("#x/y").as_deref(), Some("\\#x/y"));
    assert_eq!(broad_prefix("src/${APP}/x"), "src");
    assert_eq!(broad_prefix("./apps/$NAME"), "apps");
    assert_eq!(broad_prefix("${DIR}"), "");
    assert_eq!(broad_prefix("a/*/$X"), "a");
}

#[test]
fn unset_variables_inside_one_component_become_a_glob() {
    use model::component_glob;
    assert_eq!(
        component_glob("./minio-${TARGETARCH}.${RELEASE}").as_deref(),
        Some("minio-*.*")
    );
    assert_eq!(component_glob("./app-$RELEASE").as_deref(), Some("app-*"));
    // Cut after the component: what it matches is sent whole.
    assert_eq!(
        component_glob("src/app-${V}/bin").as_deref(),
        Some("src/app-*")
    );
    assert_eq!(
        component_glob("dist/${A}-${B:-x}").as_deref(),
        Some("dist/*-*")
    );
    // A variable alone (every entry), after a wildcard directory, or with quotes/escapes: none.
    assert_eq!(component_glob("./${APP}"), None);
    assert_eq!(component_glob("src/${APP}/x"), None);
    assert_eq!(component_glob("a*/b-${X}"), None);
    assert_eq!(component_glob("../x-${X}"), None);
    assert_eq!(component_glob("\"x-${X}\""), None);
    assert_eq!(component_glob("plain/path"), None);
}

fn src(path: &str, wildcard: bool, excludes: &[&str]) -> ContextSource {
    ContextSource {
        line: 1,
        instruction: "COPY".into(),
        stage: 0,
        raw: path.into(),
        path: path.into(),
        has_wildcard: wildcard,
        unresolved: false,
        varies: false,
        excludes: excludes.iter().map(|s| s.to_string()).collect(),
        parents: false,
    }
}

#[test]
fn sel_names_and_excludes() {
    let s = Sel::from_source(&src("src/*.py", true, &[]));
    assert!(s.names("src"));
    assert!(s.names("src/a.py"));
    assert!(!s.names("src/a.py/x"));
    assert!(s.selects("src/a.py/x"));
    let s = Sel::from_source(&src("src", false, &["*.md", "tests"]));
    assert!(s.copies("src/a.py"));
    assert!(!s.copies("src/README.md"));
    assert!(!s.copies("src/tests/t.py"));
    assert!(s.copies("src/x/tests.py"));
}

#[test]
fn diff() {
    assert_eq!(unified_diff("a\nb\n", "a\nb\n", "x", "y"), "");
    let d = unified_diff("a\nb\nc\n", "a\nc\nd\n", "x", "y");
    assert_eq!(d, "--- x\n+++ y\n@@ -1,3 +1,3 @@\n a\n-b\n c\n+d\n");
    let d = unified_diff("", "*\n", "x", "y");
    assert_eq!(d, "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+*\n");
}

#[test]
fn protective_lines() {
    for l in [
        ".env",
        "**/*.pem",
        ".DS_Store",
        ".idea",
        "node_modules",
        "**/.git",
        "*.log",
    ] {
        assert!(carry::protective(l), "{l}");
    }
    for l in ["docs", "!.env.example", "# .env", "*.md"] {
        assert!(!carry::protective(l), "{l}");
    }
}

#[test]
fn invalid_line_is_dropped_alone() {
    let u = carry::read(b"node_modules\n[\n.env\n");
    assert_eq!(u.dropped.len(), 1);
    assert_eq!(u.dropped[0].0, 2);
    assert!(u.text.contains("node_modules") && u.text.contains(".env"));
}

#[test]
fn install_steps() {
    let i = targets::Installs::of("FROM node\nRUN npm ci --omit=dev\n");
    assert!(i.node && !i.python);
    let i = targets::Installs::of("FROM python\nRUN pip install \\\n  -r req.txt\n");
    assert!(i.python && !i.node);
    let i =
        targets::Installs::of("FROM node\nCOPY node_modules ./node_modules\nRUN npm run build\n");
    assert!(!i.node);
    let i = targets::Installs::of("FROM rust\nRUN cargo build --release\n");
    assert!(i.cargo && !i.tests);
    // Deno fills `node_modules` from `package.json`; a global install is a command.
    let i = targets::Installs::of("FROM denoland/deno\nCOPY package.json .\nRUN deno install\n");
    assert!(i.node);
    let i = targets::Installs::of(
        "FROM denoland/deno\nRUN deno install --frozen && deno cache main.ts\n",
    );
    assert!(i.node);
    let i = targets::Installs::of(
        "FROM denoland/deno\nRUN deno install -g -A jsr:@std/http/file-server\n",
    );
    assert!(!i.node);
    let i = targets::Installs::of("FROM denoland/deno\nRUN deno install -A --global jsr:@x/y\n");
    assert!(!i.node);
    // A global npm/yarn/pnpm/bun install puts a tool on the PATH; the context's
    // `node_modules` is not re-installed by it.
    for step in [
        "apt-get install -y nodejs npm && npm install -g yarn && bundle install",
        "npm i --global pnpm@9",
        "yarn global add serve",
        "pnpm add -g tsx",
        "bun add -g pm2",
    ] {
        let i = targets::Installs::of(&format!("FROM ruby\nRUN {step}\n"));
        assert!(!i.node, "{step}");
    }
    let i = targets::Installs::of("FROM node\nRUN npm install -g pnpm && pnpm install\n");
    assert!(i.node);
    let i = targets::Installs::of("FROM node\nRUN npm i -g yarn\nRUN yarn --frozen-lockfile\n");
    assert!(i.node);
}

#[test]
fn a_global_install_flag_after_the_package() {
    // `-g` anywhere among the command's arguments: the packages it names are tools put on the
    // PATH (`yarn` there runs nothing), not the project's `node_modules`.
    for step in [
        "npm i yarn -g",
        "npm install yarn@1.22 pnpm --global && bundle install",
        "apk add nodejs npm; npm install --no-audit yarn -g",
        "pnpm add tsx -g",
        "npm install --location=global yarn",
        "npm i corepack --location global",
    ] {
        let i = targets::Installs::of(&format!("FROM ruby\nRUN {step}\n"));
        assert!(!i.node, "{step}");
    }
    // The flag of another command does not make an install global.
    for step in [
        "npm i yarn -g && npm ci",
        "npm ci && ls -g",
        "npm install; yarn global add serve",
    ] {
        let i = targets::Installs::of(&format!("FROM node\nRUN {step}\n"));
        assert!(i.node, "{step}");
    }
    let i = targets::Installs::of("FROM node\nRUN <<EOT\nnpm i -g yarn\nyarn install\nEOT\n");
    assert!(i.node);
    let i = targets::Installs::of("FROM node\nRUN <<EOT\nnpm i yarn \\\n  -g\nEOT\n");
    assert!(!i.node);
}

#[test]
fn mix_do_fetches_the_dependencies() {
    for step in [
        "mix do deps.get + compile",
        "mix do deps.get, compile",
        "mix do deps.get --only prod, deps.compile",
        "mix do compile,deps.get",
        "MIX_ENV=prod mix do local.hex --force + deps.get --only prod",
    ] {
        let i = targets::Installs::of(&format!("FROM elixir\nRUN {step}\n"));
        assert!(i.mix, "{step}");
    }
    // A task's argument, or another command's word, is no task.
    for step in [
        "mix do compile + release",
        "mix do compile --no-deps-check deps.get",
        "mix do compile && echo + deps.get",
    ] {
        let i = targets::Installs::of(&format!("FROM elixir\nRUN {step}\n"));
        assert!(!i.mix, "{step}");
    }
}

#[test]
fn dart_pub_get_writes_the_tool_cache_again() {
    for step in [
        "dart pub get",
        "flutter pub get --enforce-lockfile",
        "cd packages/app && flutter build web --release",
        "dart pub upgrade",
    ] {
        let i = targets::Installs::of(&format!("FROM dart\nRUN {step}\n"));
        assert!(i.dart, "{step}");
    }
    for step in [
        "dart compile exe bin/server.dart",
        "flutter doctor",
        "dart pub global activate x",
    ] {
        let i = targets::Installs::of(&format!("FROM dart\nRUN {step}\n"));
        assert!(!i.dart, "{step}");
    }
}

#[test]
fn test_steps() {
    let runs = |df: &str| targets::Installs::of(df).tests;
    for df in [
        "FROM golang\nRUN cd /b && go test ./...\n",
        "FROM node\nRUN npm ci && npm test\n",
        "FROM node\nRUN yarn run test:unit\n",
        "FROM python\nRUN python -m pytest -q\n",
        "FROM rust\nRUN cargo test --release\n",
        "FROM maven\nRUN mvn -B package\n",
        "FROM gradle\nRUN ./gradlew build\n",
        "FROM gcc\nRUN make \\\n  check\n",
    ] {
        assert!(runs(df), "{df:?}");
    }
    for df in [
        "FROM golang\nRUN go build ./...\n",
        "FROM node\nRUN npm run build\n",
        "FROM maven\nRUN mvn -B package -DskipTests\n",
        "FROM gradle\nRUN ./gradlew build -x test\n",
        "FROM alpine\nCOPY test /test\n",
    ] {
        assert!(!runs(df), "{df:?}");
    }
}

#[test]
fn dockerfile_names() {
    use crate::dockerfile::is_dockerfile_name;
    for n in [
        "Dockerfile",
        "dockerfile",
        "DockerFile",
        "Dockerfile.base",
        "api.Dockerfile",
        "web.containerfile",
        "Containerfile",
        "Dockerfile_amd",
        "Dockerfile-dev",
        "api-Dockerfile",
        "Dockerfile.go",
        "Dockerfile.node",
    ] {
        assert!(is_dockerfile_name(n.as_bytes()), "{n}");
    }
    for n in [
        "Dockerfile.dockerignore",
        "api.Containerfile.containerignore",
        ".dockerignore",
        ".dockerfile",
        "Dockerfile-notes.md",
        "dockerfile.mdx",
        "dockerfile-prompt.mdx",
        "Dockerfile.markdown",
        "dockerfiles",
        "x.dockerfile.bak",
        "README",
        "Dockerfile.json",
        "dockerfile_lint.yml",
        "Dockerfile-",
        "dockerfile.js",
        "mode-dockerfile.js",
        "dockerfile.vim",
        "Dockerfile.j2",
        "Dockerfile-alpine.template",
        "Dockerfile.tmpl",
        "Dockerfile.tpl",
        "dockerfile.test.ts",
        "dockerfile_app_build_test.dart",
        "dockerfile_test.go",
        "Dockerfile-parser.rb",
    ] {
        assert!(!is_dockerfile_name(n.as_bytes()), "{n}");
    }
}

/// The proof fails on a file that drops a copied source: the build loop never hands one
/// out (it broadens, then drops the allowlist), so the failure path is driven here with a
/// deliberately bad candidate. `emit` must then say "NOT proven", exit 1 and write nothing.
#[test]
fn bad_candidate_is_not_proven_and_not_written() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/a.js"), "a").unwrap();
    std::fs::write(root.join("keep.txt"), "k").unwrap();
    std::fs::write(
        root.join("Dockerfile"),
        "FROM x\nCOPY src /app\nCOPY keep.txt /\n",
    )
    .unwrap();
    let config = crate::testutil::config(root, Builder::Buildkit, 1);
    let opts = SuggestOptions {
        write: true,
        discover: true,
        ..SuggestOptions::default()
    };
    let mut all = suggest_all(&config, &opts).unwrap();
    assert!(all[0].proven(), "the generated proposal holds");
    // Rebuild what the proof needs and prove a file that excludes `src`.
    let main = config.resolve_for(config.builder).unwrap();
    let tree = walk_all(&main, 1).unwrap();
    let paths = node_paths(&tree);
    let mut notes = Vec::new();
    let ts = targets::collect(
        &config,
        &opts,
        &main.root,
        Some(&main.dockerfile),
        &paths,
        &Default::default(),
        &[],
        &mut notes,
    )
    .unwrap();
    let dest = root.join(".dockerignore");
    let checks = prove::checks(&config, &ts, &dest, &mut notes).unwrap();
    assert_eq!(checks.len(), 2, "BuildKit and classic read .dockerignore");
    let m = Model::new(root, tree, &ts, &mut Vec::new());
    let reasons = vec![None; m.tree.nodes.len()];
    let bad = "*\n!keep.txt\n";
    let p = prove::prove(&m, &checks, bad, &reasons, 1).unwrap();
    let failed: Vec<(Builder, &str)> = p
        .failures
        .iter()
        .map(|(b, path, _)| (*b, path.as_str()))
        .collect();
    assert!(
        failed.contains(&(Builder::Buildkit, "src/a.js")),
        "{failed:?}"
    );
    assert!(
        failed.contains(&(Builder::Classic, "src/a.js")),
        "{failed:?}"
    );
    assert!(!failed.iter().any(|(_, p)| *p == "keep.txt"));
    // The command path with that outcome.
    let s = &mut all[0];
    s.text = bad.into();
    s.failures = p
        .failures
        .iter()
        .map(|(b, path, why)| format!("{path} under {}: {why}", output::name(*b)))
        .collect();
    s.proven_for.clear();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = emit::emit(&config, &opts, &all, all.len() > 1, &mut out, &mut err).unwrap();
    let err = String::from_utf8(err).unwrap();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("NOT proven"), "{err}");
    assert!(err.contains("src/a.js under BuildKit"), "{err}");
    assert!(err.contains("not written"), "{err}");
    assert!(!err.contains("proven: every"), "{err}");
    assert!(!dest.exists(), "nothing written");
}

#[test]
fn glob_covers_only_when_every_match_is_shared() {
    use super::plan::glob_covers;
    for (wide, narrow) in [
        ("minio-*.*", "minio-*.*.minisig"),
        ("minio-*.*", "minio-*.*.sha256sum"),
        ("*.json", "package*.json"),
        ("*", "a*b"),
        ("dist/*", "dist/*.js"),
        ("a*", "a*"),
    ] {
        assert!(glob_covers(wide, narrow), "{wide} covers {narrow}");
    }
    for (wide, narrow) in [
        ("minio-*.*.minisig", "minio-*.*"),
        ("*.json", "*.js"),
        ("a*c", "a*"),
        ("a?c", "a*c"),
        ("dist/*", "src/*.js"),
        ("*", "dist/*"),
        ("x*.*", "x*"),
        ("[ab]*", "a*"),
    ] {
        assert!(!glob_covers(wide, narrow), "{wide} does not cover {narrow}");
    }
}

#[test]
fn maven_phases_rebuild_target() {
    let maven = |df: &str| targets::Installs::of(df).maven;
    for df in [
        "FROM maven\nRUN ./mvnw clean package\n",
        "FROM maven\nRUN mvn -B -DskipTests package\n",
        "FROM maven\nRUN /usr/bin/mvn -f pom.xml install\n",
        "FROM maven\nRUN mvn clean\n",
    ] {
        assert!(maven(df), "{df:?}");
    }
    for df in [
        "FROM maven\nRUN mvn dependency:go-offline\n",
        "FROM maven\nRUN mvn -v\n",
        "FROM maven\nRUN echo package\n",
    ] {
        assert!(!maven(df), "{df:?}");
    }
}
