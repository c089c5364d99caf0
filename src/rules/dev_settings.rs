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

/// The 1-based lines of a per-environment YAML settings file (under a `config/` directory, with
/// a top-level `production:` key: Rails' `config/secrets.yml` and `config/database.yml`) that
/// sit inside its top-level `development:` or `test:` section (also `dev:`). `rails new` (5.1
/// up to 7.1) writes a generated `secret_key_base` under each of those two, and reads the
/// production one from the environment: development and test defaults, not what production
/// runs with. A shared anchor (`default: &default`) is no such section. Empty for any other
/// file.
pub(crate) fn dev_section_lines(path: &[u8], bytes: &[u8]) -> Vec<usize> {
    let mut comps = path.rsplit(|&b| b == b'/');
    let name = comps.next().unwrap_or(path).to_ascii_lowercase();
    let in_config = comps
        .next()
        .is_some_and(|p| p.eq_ignore_ascii_case(b"config"));
    if !in_config || !(name.ends_with(b".yml") || name.ends_with(b".yaml")) {
        return Vec::new();
    }
    // The top-level key a line opens (`development:`, `production: &prod`), if any.
    let top_key = |l: &[u8]| -> Option<Vec<u8>> {
        if l.first()
            .is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'#' | b'-'))
        {
            return None;
        }
        let colon = l.iter().position(|&b| b == b':')?;
        let rest = l[colon + 1..].trim_ascii();
        (rest.is_empty() || rest.starts_with(b"&") || rest.starts_with(b"#"))
            .then(|| l[..colon].trim_ascii().to_ascii_lowercase())
    };
    // A development section that declares an anchor another section merges (`development:
    // &development` with `production: <<: *development`) is read by that section too.
    let shared = |line: &[u8]| -> bool {
        let Some(amp) = line.iter().position(|&b| b == b'&') else {
            return false;
        };
        let name: Vec<u8> = line[amp + 1..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
            .copied()
            .collect();
        let alias = [b"*".as_slice(), &name].concat();
        !name.is_empty() && memchr::memmem::find(bytes, &alias).is_some()
    };
    let mut production = false;
    let mut inside = false;
    let mut lines = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(k) = top_key(line) {
            production |= k == b"production";
            inside = matches!(&k[..], b"development" | b"dev" | b"test") && !shared(line);
        } else if line
            .first()
            .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'#')
        {
            // Any other top-level content (`secret: x`, a list item) ends the section.
            inside = false;
        } else if inside {
            lines.push(i + 1);
        }
    }
    if production {
        lines
    } else {
        Vec::new()
    }
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

#[cfg(test)]
mod section_tests {
    use super::dev_section_lines;

    #[test]
    fn development_and_test_sections_of_a_per_environment_file() {
        let rails = "# comment\ndevelopment:\n  secret_key_base: a1\n\ntest:\n  secret_key_base: b2\n\nproduction:\n  secret_key_base: <%= ENV[\"SECRET_KEY_BASE\"] %>\n";
        assert_eq!(
            dev_section_lines(b"config/secrets.yml", rails.as_bytes()),
            [3, 4, 6, 7]
        );
        assert_eq!(
            dev_section_lines(b"app/config/secrets.yaml", rails.as_bytes()),
            [3, 4, 6, 7]
        );
        // A development section whose anchor another section merges is read there too.
        let merged =
            "development: &development\n  secret_key_base: x\nproduction:\n  <<: *development\n";
        assert!(dev_section_lines(b"config/secrets.yml", merged.as_bytes()).is_empty());
        let unmerged =
            "development: &development\n  secret_key_base: x\nproduction:\n  secret_key_base: y\n";
        assert_eq!(
            dev_section_lines(b"config/secrets.yml", unmerged.as_bytes()),
            [2]
        );
        // A shared anchor is read by production too.
        let anchored = "default: &default\n  password: x\ndevelopment:\n  <<: *default\nproduction:\n  <<: *default\n";
        assert_eq!(
            dev_section_lines(b"config/database.yml", anchored.as_bytes()),
            [4]
        );
        // No production section: not a per-environment file (a CI file's `test:` job).
        let ci = "test:\n  script: x\ndeploy:\n  script: y\n";
        assert!(dev_section_lines(b"config/ci.yml", ci.as_bytes()).is_empty());
        // Outside a `config/` directory, or not YAML.
        assert!(dev_section_lines(b"secrets.yml", rails.as_bytes()).is_empty());
        assert!(dev_section_lines(b"config/secrets.json", rails.as_bytes()).is_empty());
    }
}
