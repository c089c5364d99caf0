//! Compose reading: interpolation, both build forms, merge keys, the override file, `extends`.

use super::*;

fn env(k: &str) -> Option<String> {
    match k {
        "TAG" => Some("v1".into()),
        "EMPTY" => Some(String::new()),
        _ => None,
    }
}

#[test]
fn interpolation() {
    assert_eq!(interpolate("a${TAG}b", &env), "av1b");
    assert_eq!(
        interpolate("${NOPE:-x}/${EMPTY:-y}/${EMPTY-z}", &env),
        "x/y/"
    );
    assert_eq!(interpolate("$$TAG $TAG.", &env), "$TAG v1.");
    // The other compose-go forms: the value for `?`, the alternative for `+`.
    assert_eq!(
        interpolate("${TAG:?set TAG}/${TAG?x}/${NOPE:?x}", &env),
        "v1/v1/"
    );
    assert_eq!(
        interpolate("${TAG:+alt}|${EMPTY:+alt}|${EMPTY+alt}|${NOPE+alt}", &env),
        "alt||alt|"
    );
}

#[test]
fn merge_keys_bring_builds_from_anchors() {
    // A service's build from `<<: *anchor`, through a chain of anchors, next to other merged
    // mappings; a key written in the service wins over a merged one.
    let text = r#"
x-base: &base
  build:
    context: ../..
    dockerfile: docker/Dockerfile
x-policy: &policy
  restart: always
x-mid: &mid
  <<: [*policy, *base]
  environment: [A=1]
services:
  alpha:
    <<: *base
  beta:
    <<: *mid
  cleanup:
    <<: *mid
    build:
      context: ./cron
  db:
    <<: *policy
    image: postgres
"#;
    let c = parse(text, Path::new("/p/q/r"), &env).unwrap();
    let got: Vec<(&str, String)> = c
        .builds
        .iter()
        .map(|b| (b.service.as_str(), b.context.display().to_string()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("alpha", "/p".into()),
            ("beta", "/p".into()),
            ("cleanup", "/p/q/r/cron".into()),
        ]
    );
    assert_eq!(
        c.builds[1].dockerfile.as_deref(),
        Some(Path::new("/p/docker/Dockerfile"))
    );
    assert!(c.notes.is_empty());
    assert!(parse("services:\n  a:\n    <<: 3\n", Path::new("/p"), &env).is_err());
}

/// With no file named, the override file beside the default one is merged over it: a local
/// `build:` added to a prebuilt `image:`, a context changed; a named file is read alone.
#[test]
fn the_override_file_is_merged_without_a_named_file() {
    let d = tempfile::tempdir().unwrap();
    let base = "services:\n  app:\n    image: x/app\n  api:\n    build: ./api\n  db:\n    image: postgres\n";
    let over =
        "services:\n  app:\n    build: .\n  api:\n    build:\n      dockerfile: prod.Dockerfile\n";
    std::fs::write(d.path().join("compose.yaml"), base).unwrap();
    std::fs::write(d.path().join("compose.override.yaml"), over).unwrap();
    let (file, c) = load(None, d.path(), &env).unwrap();
    assert_eq!(file, d.path().join("compose.yaml"));
    let got: Vec<(&str, PathBuf, Option<PathBuf>)> = c
        .builds
        .iter()
        .map(|b| (b.service.as_str(), b.context.clone(), b.dockerfile.clone()))
        .collect();
    let api = d.path().join("api");
    assert_eq!(
        got,
        vec![
            ("api", api.clone(), Some(api.join("prod.Dockerfile"))),
            ("app", d.path().to_path_buf(), None),
        ]
    );
    assert!(
        c.notes[0].contains("compose.override.yaml merged over"),
        "{:?}",
        c.notes
    );
    let (_, alone) = load(Some(Path::new("compose.yaml")), d.path(), &env).unwrap();
    assert_eq!(alone.builds.len(), 1);
}

/// `--compose .` or `--compose DIR` (a directory, the way a context is named) reads the Compose
/// file docker compose reads there with no -f, override included; it used to fail with
/// "DIR: is a directory". A directory with none says what it looked for.
#[test]
fn a_directory_given_as_the_compose_file_is_searched_like_the_current_one() {
    let d = tempfile::tempdir().unwrap();
    let app = d.path().join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(
        app.join("docker-compose.yml"),
        "services:\n  web:\n    build: .\n",
    )
    .unwrap();
    std::fs::write(
        app.join("docker-compose.override.yml"),
        "services:\n  worker:\n    build: ./worker\n",
    )
    .unwrap();
    for (given, cwd) in [
        (Path::new("."), app.as_path()),
        (Path::new("app"), d.path()),
    ] {
        let (file, c) = load(Some(given), cwd, &env).unwrap();
        assert_eq!(file, app.join("docker-compose.yml"));
        let services: Vec<&str> = c.builds.iter().map(|b| b.service.as_str()).collect();
        assert_eq!(services, ["web", "worker"], "{given:?}");
        assert_eq!(c.builds[0].context, app);
    }
    let e = load(Some(Path::new(".")), d.path(), &env)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no Compose file in"), "{e}");
}

/// `extends` in the same file (both forms) and from another file, whose relative context
/// is relative to that file; the service's own keys win; a missing service or a cycle is
/// an error.
#[test]
fn extends_brings_the_build_of_the_extended_service() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("shared")).unwrap();
    let common =
        "services:\n  base:\n    build:\n      context: ./app\n      dockerfile: Dockerfile.prod\n";
    std::fs::write(d.path().join("shared/common.yml"), common).unwrap();
    let text = "services:\n  web:\n    extends:\n      file: shared/common.yml\n      service: base\n  worker:\n    extends: web\n    build:\n      target: worker\n  db:\n    image: postgres\n";
    let c = parse(text, d.path(), &env).unwrap();
    let app = d.path().join("shared/app");
    let got: Vec<(&str, PathBuf, Option<PathBuf>, Option<&str>)> = c
        .builds
        .iter()
        .map(|b| {
            (
                b.service.as_str(),
                b.context.clone(),
                b.dockerfile.clone(),
                b.target.as_deref(),
            )
        })
        .collect();
    let df = Some(app.join("Dockerfile.prod"));
    assert_eq!(
        got,
        vec![
            ("web", app.clone(), df.clone(), None),
            ("worker", app.clone(), df, Some("worker")),
        ]
    );
    let missing = "services:\n  a:\n    extends:\n      service: nope\n";
    assert!(parse(missing, d.path(), &env).unwrap_err().contains("nope"));
    let cycle = "services:\n  a:\n    extends: b\n  b:\n    extends: a\n";
    assert!(parse(cycle, d.path(), &env).unwrap_err().contains("cycle"));
}

#[test]
fn only_prebuilt_images_says_so() {
    let text = "services:\n  app:\n    image: ghcr.io/x/app:1\n  db:\n    image: postgres\n";
    let c = parse(text, Path::new("/p"), &env).unwrap();
    assert!(c.builds.is_empty());
    assert_eq!(c.notes.len(), 1);
    assert!(c.notes[0].contains("no service has a `build` section (2 services"));
}

#[test]
fn both_forms() {
    let text = r#"
services:
  web:
    build: ./web
  api:
    build:
      context: ./api
      dockerfile: docker/Dockerfile.${TAG}
      target: prod
      args:
        VERSION: ${TAG}
        EMPTY:
  worker:
    build:
      context: ./api
      dockerfile: docker/Dockerfile.v1
  db:
    image: postgres
  remote:
    build: https://github.com/x/y.git
  inline:
    build:
      dockerfile_inline: "FROM scratch"
      additional_contexts:
        - shared=../shared
        - base=docker-image://alpine:3
  web2:
    build:
      context: ./web
      additional_contexts:
        svc: service:api
        repo: https://github.com/x/y.git
"#;
    let c = parse(text, Path::new("/p"), &env).unwrap();
    let got: Vec<(&str, String, Option<String>)> = c
        .builds
        .iter()
        .map(|b| {
            (
                b.service.as_str(),
                b.context.display().to_string(),
                b.dockerfile.as_ref().map(|d| d.display().to_string()),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "api",
                "/p/api".into(),
                Some("/p/api/docker/Dockerfile.v1".into())
            ),
            ("inline", "/p".into(), Some("-".into())),
            ("web", "/p/web".into(), None),
            ("web2", "/p/web".into(), None),
            (
                "worker",
                "/p/api".into(),
                Some("/p/api/docker/Dockerfile.v1".into())
            ),
        ]
    );
    assert_eq!(c.notes.len(), 1);
    assert_eq!(c.builds[0].target.as_deref(), Some("prod"));
    assert_eq!(c.builds[0].args, ["VERSION=v1", "EMPTY="]);
    let inline = &c.builds[1];
    assert_eq!(inline.inline.as_deref(), Some("FROM scratch"));
    let kinds: Vec<(&str, &str, &NamedKind)> = inline
        .additional_contexts
        .iter()
        .chain(&c.builds[3].additional_contexts)
        .map(|n| (n.name.as_str(), n.source.as_str(), &n.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("shared", "/shared", &NamedKind::Local),
            ("base", "docker-image://alpine:3", &NamedKind::Image),
            ("svc", "service:api", &NamedKind::Service),
            ("repo", "https://github.com/x/y.git", &NamedKind::Remote),
        ]
    );
    assert!(parse("services: 3", Path::new("/p"), &env).is_err());
    assert!(parse("x: [", Path::new("/p"), &env).is_err());
}

/// The `.env` beside the Compose file fills what the environment does not set (a monorepo's
/// `dockerfile: ${CART_DOCKERFILE}`); the environment wins; an unset one is the default
/// Dockerfile, not the context directory.
#[test]
fn the_project_dotenv_interpolates_the_file() {
    let d = tempfile::tempdir().unwrap();
    let compose = "services:\n  cart:\n    build:\n      context: ./\n      dockerfile: ${CART_DOCKERFILE}\n      args:\n        - PORT\n  ad:\n    build:\n      context: ./\n      dockerfile: src/ad/Dockerfile.${TAG}\n  gone:\n    build:\n      context: ./\n      dockerfile: ${UNSET_DOCKERFILE}\n";
    std::fs::write(d.path().join("compose.yaml"), compose).unwrap();
    std::fs::write(
        d.path().join(".env"),
        "# services\nCART_PORT=7070\nPORT=${CART_PORT}\nCART_DOCKERFILE=./src/cart/Dockerfile # cart\nTAG=from-file\n",
    )
    .unwrap();
    let (_, c) = load(None, d.path(), &env).unwrap();
    let got: Vec<(&str, Option<PathBuf>, Vec<String>)> = c
        .builds
        .iter()
        .map(|b| (b.service.as_str(), b.dockerfile.clone(), b.args.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "ad",
                Some(d.path().join("src/ad/Dockerfile.v1")),
                Vec::new()
            ),
            (
                "cart",
                Some(d.path().join("src/cart/Dockerfile")),
                vec!["PORT=7070".to_string()]
            ),
            ("gone", None, Vec::new()),
        ]
    );
    // Without the file, the variable is unset.
    std::fs::remove_file(d.path().join(".env")).unwrap();
    let (_, c) = load(None, d.path(), &env).unwrap();
    assert_eq!(c.builds[1].dockerfile, None);
}

#[test]
fn named_variants_are_compose_files_and_others_are_not() {
    for n in [
        "docker-compose.prod.yml",
        "docker-compose.dev.yaml",
        "compose.ci.yml",
        "docker-compose-test.yml",
    ] {
        assert!(variant_file(n), "{n}");
    }
    for n in [
        "docker-compose.yml",
        "compose.yaml",
        "docker-compose.override.yml",
        "compose.override.yaml",
        "docker-compose.prod.json",
        "compose-.yml",
        "mycompose.prod.yml",
        "docker-compose.",
    ] {
        assert!(!variant_file(n), "{n}");
    }
}
