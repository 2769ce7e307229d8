//! The `fission` binary: parse the command line, run, print the error chain, set the exit code.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    match cli::execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(fission::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            ExitCode::SUCCESS // stdout closed by the reader (`| head`): nothing left to say
        }
        Err(e) => {
            let mut line = format!("error: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                line.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            // One line whatever a message quotes (a name with a line break, say).
            let line: String = line
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            eprintln!("{line}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// A command line clap refused: help and version go out as clap writes them; a real mistake
/// becomes one line on stderr with exit code 2.
fn usage_error(e: &clap::Error) -> ExitCode {
    if !e.use_stderr()
        || e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    {
        let _ = e.print();
        return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
    }
    let text = e.render().to_string();
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("error: bad command line");
    eprintln!("{}; see `fission --help`", first.trim_end());
    ExitCode::from(2)
}
