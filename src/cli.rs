//! The command line (clap), converted once into [`ctxsize::app::Command`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ctxsize::analysis::Config;
use ctxsize::app::Command;
use ctxsize::render::Format;
use ctxsize::Builder;

/// Exactly what `docker build` will send as its build context.
#[derive(Parser, Debug)]
#[command(name = "ctxsize", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    cmd: Option<Sub>,
    #[command(flatten)]
    common: Common,
    /// Output format (default: human).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// The build context directory, as for `docker build DIR`.
    context: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
struct Common {
    /// Which builder's rules to apply.
    #[arg(long, value_enum, default_value = "buildkit", global = true)]
    builder: BuilderArg,
    /// The Dockerfile, relative to the current directory (as `docker build -f`).
    #[arg(short = 'f', long = "file", global = true, value_name = "DOCKERFILE")]
    file: Option<PathBuf>,
    /// Walker threads (0: one per CPU).
    #[arg(long, default_value_t = 0, global = true)]
    threads: usize,
}

#[derive(Subcommand, Debug)]
enum Sub {
    /// Print every entry of the context, sorted by byte order, directories ending in `/`.
    List {
        /// Separate entries with NUL instead of newline.
        #[arg(short = '0', long = "null")]
        null: bool,
        /// The build context directory.
        context: Option<PathBuf>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum BuilderArg {
    Buildkit,
    Classic,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum FormatArg {
    Human,
    Json,
}

impl Cli {
    /// Converts the parsed arguments into a command.
    pub fn into_command(self, cwd: PathBuf) -> Command {
        let builder = match self.common.builder {
            BuilderArg::Buildkit => Builder::Buildkit,
            BuilderArg::Classic => Builder::Classic,
        };
        let config = |context: Option<PathBuf>| Config {
            context: context.unwrap_or_else(|| PathBuf::from(".")),
            dockerfile: self.common.file.clone(),
            builder,
            cwd: cwd.clone(),
            threads: self.common.threads,
        };
        match self.cmd {
            Some(Sub::List { null, context }) => Command::List {
                config: config(context),
                null,
            },
            None => Command::Report {
                config: config(self.context.clone()),
                format: match self.format {
                    Some(FormatArg::Json) => Format::Json,
                    _ => Format::Human,
                },
            },
        }
    }
}
