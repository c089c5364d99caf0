//! The `ctxsize` binary: parse, run, print errors with hints, exit.

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let cmd = args.into_command(cwd);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let code = match ctxsize::app::run(&cmd, &mut out) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(h) = e.hint() {
                eprintln!("hint: {h}");
            }
            ctxsize::ExitCode::Error.code()
        }
    };
    let _ = std::io::Write::flush(&mut out);
    std::process::exit(code);
}
