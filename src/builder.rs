//! Which of docker's two builders a question is asked about, with its one display name.

/// Which builder's rules to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Builder {
    /// BuildKit (the default since Docker 23): fsutil's walker.
    Buildkit,
    /// The classic builder (`DOCKER_BUILDKIT=0`): the CLI's tar walk.
    Classic,
}

impl Builder {
    /// The other builder.
    pub fn other(self) -> Builder {
        match self {
            Builder::Buildkit => Builder::Classic,
            Builder::Classic => Builder::Buildkit,
        }
    }

    /// The name shown to people: `BuildKit` or `classic builder`.
    pub fn name(self) -> &'static str {
        match self {
            Builder::Buildkit => "BuildKit",
            Builder::Classic => "classic builder",
        }
    }

    /// The name used on the command line and in JSON: `buildkit` or `classic`.
    pub fn id(self) -> &'static str {
        match self {
            Builder::Buildkit => "buildkit",
            Builder::Classic => "classic",
        }
    }
}
