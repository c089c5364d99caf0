//! The development environment's settings file, by each framework's convention: a value there
//! is a development default (`mix phx.new` writes a generated `secret_key_base` into
//! `config/dev.exs` of every Phoenix app), not what production runs with.

/// Whether `path` is a framework's settings file for the development environment:
/// `config/dev.exs` (Elixir), `config/environments/development.rb` (Rails),
/// `settings/dev.py` or `settings/development.py` (Django), `application-dev.yml` and
/// `application-development.properties` (Spring profiles), `appsettings.Development.json`
/// (.NET), `config/development.json` (node-config). A real key pasted there is still reported,
/// one grade lower and labelled.
pub(crate) fn is_dev_settings(path: &[u8]) -> bool {
    let mut comps = path.rsplit(|&b| b == b'/');
    let name = comps.next().unwrap_or(path);
    let parent = comps.next().map(<[u8]>::to_ascii_lowercase);
    let Some(dot) = name.iter().rposition(|&b| b == b'.').filter(|&d| d > 0) else {
        return false;
    };
    let (stem, ext) = (&name[..dot], name[dot + 1..].to_ascii_lowercase());
    let dev = |s: &[u8]| s == b"dev" || s == b"development";
    let config_ext = matches!(
        &ext[..],
        b"exs"
            | b"rb"
            | b"py"
            | b"json"
            | b"js"
            | b"cjs"
            | b"ts"
            | b"yml"
            | b"yaml"
            | b"toml"
            | b"properties"
    );
    // `config/dev.exs`, `settings/development.py`, `config/environments/development.rb`.
    let in_settings_dir = parent
        .as_deref()
        .is_some_and(|p| matches!(p, b"config" | b"settings" | b"environments"));
    if in_settings_dir && config_ext && dev(stem) {
        return true;
    }
    // Spring's profile files and .NET's environment file, wherever they sit.
    let profile = |prefix: &[u8], sep: u8| {
        stem.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix(&[sep][..]))
            .is_some_and(|p| dev(&p.to_ascii_lowercase()))
    };
    (matches!(&ext[..], b"yml" | b"yaml" | b"properties") && profile(b"application", b'-'))
        || (ext == b"json" && profile(b"appsettings", b'.'))
}

#[cfg(test)]
mod tests {
    use super::is_dev_settings;

    #[test]
    fn development_settings_by_framework_convention() {
        for yes in [
            "config/dev.exs",
            "apps/web/config/dev.exs",
            "config/environments/development.rb",
            "myproj/settings/dev.py",
            "settings/development.py",
            "src/main/resources/application-dev.yml",
            "application-development.properties",
            "Api/appsettings.Development.json",
            "config/development.json",
        ] {
            assert!(is_dev_settings(yes.as_bytes()), "{yes}");
        }
        for no in [
            "config/config.exs",
            "config/prod.exs",
            "config/runtime.exs",
            "config/environments/production.rb",
            "src/dev.py",
            "lib/dev.ex",
            "scripts/dev.sh",
            "application.yml",
            "application-prod.yml",
            "appsettings.json",
            "appsettings.Production.json",
            "config/dev",
            "config/.dev",
            "dev.exs",
        ] {
            assert!(!is_dev_settings(no.as_bytes()), "{no}");
        }
    }
}
