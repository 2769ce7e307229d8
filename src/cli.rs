//! The command line: `run`, `plot`, `validate`, `init`, `graph generate`, `graph describe`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use fission::engine::Setup;
use fission::error::{Error, Result};
use fission::experiment::Experiment;
use fission::graph::{self, GraphStats};
use fission::run::{RunOptions, run};
use fission::scenario::LoadedScenario;

/// Agent-based simulator of social-commerce viral growth (社交电商裂变).
#[derive(Debug, Parser)]
#[command(name = "fission", version, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every replicate of every variant and sweep point of a scenario; write outputs/<name>/.
    Run(RunArgs),
    /// Redraw the charts and the report of an output folder from its CSVs.
    Plot {
        /// An output folder written by `fission run`.
        dir: PathBuf,
    },
    /// Parse and validate scenario files (every variant, sweep point and graph); run nothing.
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a commented starter scenario.
    Init {
        /// Where to write it.
        #[arg(default_value = "fission.toml")]
        path: PathBuf,
    },
    /// Generate or describe a social graph.
    #[command(subcommand)]
    Graph(GraphCommand),
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The scenario file.
    file: PathBuf,
    /// Output folder [default: outputs/<name>/].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Override the number of replicates.
    #[arg(long)]
    replicates: Option<u32>,
    /// Override the master seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (0 = all cores); results do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Override any scenario key, e.g. --set share.reach=0.3 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
    /// Do not write daily.csv (one row per replicate × day).
    #[arg(long)]
    no_daily: bool,
    /// No progress bar or summary on stderr.
    #[arg(long, short)]
    quiet: bool,
    /// Finish an interrupted run into the same output folder; the result is byte-identical to
    /// an uninterrupted run.
    #[arg(long)]
    resume: bool,
}

#[derive(Debug, Subcommand)]
enum GraphCommand {
    /// Generate a graph and write it as an edge list.
    Generate {
        /// Generator: erdos_renyi, barabasi_albert, watts_strogatz, holme_kim, stochastic_block, configuration.
        kind: String,
        /// Generator parameter, e.g. --param n=1000 --param m=3 (repeatable).
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// Master seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Fraction of strong ties.
        #[arg(long, default_value_t = 0.0)]
        strong_share: f64,
        /// Output edge-list file.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Print nodes, edges, degrees, clustering and components of an edge list or a scenario's graph.
    Describe {
        /// An edge-list file, or a scenario (.toml).
        file: PathBuf,
    },
}

/// Runs the parsed command.
///
/// # Errors
/// Whatever the command fails with.
pub fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run_command(args),
        Command::Plot { dir } => {
            fission::plot::redraw(&dir)?;
            fission::report::write(&dir)?;
            say(&format!(
                "redrew {} and its report",
                dir.join("plots").display()
            ));
            Ok(())
        }
        Command::Validate { files } => {
            for f in files {
                let exp = Experiment::load(&f, &[])?;
                let mut setups: Vec<Setup> = Vec::new();
                for arm in &exp.arms {
                    setups.push(Setup::sharing(arm.loaded.clone(), &setups)?);
                }
                let g = setups[0].graph();
                say(&format!(
                    "ok: {} ({}, {} arm(s), {} members, {} edges)",
                    f.display(),
                    exp.name(),
                    exp.arms.len(),
                    g.node_count(),
                    g.edge_count()
                ));
            }
            Ok(())
        }
        Command::Init { path } => {
            if path.exists() {
                return Err(Error::Input(format!(
                    "`{}` exists; choose another path",
                    path.display()
                )));
            }
            std::fs::write(&path, STARTER).map_err(|e| Error::io("write", &path, e))?;
            say(&format!(
                "wrote {}; run it with: fission run {}",
                path.display(),
                path.display()
            ));
            Ok(())
        }
        Command::Graph(GraphCommand::Generate {
            kind,
            params,
            seed,
            strong_share,
            out,
        }) => {
            let mut text = format!(
                "name = \"graph\"\nseed = {seed}\n[graph]\nstrong_share = {strong_share}\n[graph.{kind}]\n"
            );
            for p in &params {
                let (k, v) = p
                    .split_once('=')
                    .ok_or_else(|| Error::Input(format!("--param {p}: expected KEY=VALUE")))?;
                text.push_str(&format!("{} = {}\n", k.trim(), v.trim()));
            }
            let loaded = LoadedScenario::from_text(&text, Path::new("<graph generate>"), &[])?;
            let g = graph::build(&loaded, 0)?;
            let file = std::fs::File::create(&out).map_err(|e| Error::io("create", &out, e))?;
            let mut w = std::io::BufWriter::new(file);
            let io = |e| Error::io("write", &out, e);
            writeln!(
                w,
                "# fission graph generate {kind} {} --seed {seed}",
                params.join(" ")
            )
            .map_err(io)?;
            writeln!(w, "# nodes {} edges {}", g.node_count(), g.edge_count()).map_err(io)?;
            for (u, v) in g.edges() {
                if g.is_strong(u, v) {
                    writeln!(w, "{u} {v} strong")
                } else {
                    writeln!(w, "{u} {v}")
                }
                .map_err(io)?;
            }
            w.flush().map_err(io)?;
            say(&format!(
                "wrote {} ({} nodes, {} edges)",
                out.display(),
                g.node_count(),
                g.edge_count()
            ));
            Ok(())
        }
        Command::Graph(GraphCommand::Describe { file }) => {
            let g = if file.extension().is_some_and(|e| e == "toml") {
                let exp = Experiment::load(&file, &[])?;
                Setup::new(exp.arms[0].loaded.clone())?.graph().clone()
            } else {
                graph::edge_list::read(&file, None)?
            };
            say(&GraphStats::with_clustering(&g).to_string());
            Ok(())
        }
    }
}

fn run_command(args: RunArgs) -> Result<()> {
    let mut sets = Vec::new();
    if let Some(r) = args.replicates {
        sets.push(format!("replicates={r}"));
    }
    if let Some(s) = args.seed {
        sets.push(format!("seed={s}"));
    }
    sets.extend(args.sets);
    let options = RunOptions {
        out: args.out,
        threads: args.threads,
        sets,
        no_daily: args.no_daily,
        resume: args.resume,
        command: std::env::args()
            .map(|a| {
                if a.contains(char::is_whitespace) {
                    format!("'{a}'")
                } else {
                    a
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    };
    let bar = ProgressBar::new(0);
    if args.quiet {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} runs, ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = run(&args.file, &options, &|done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    if !args.quiet {
        eprintln!(
            "{} arm(s) × {} replicates in {:.2} s ({}); mean customers {:.1}; results in {}",
            report.arms,
            report.replicates,
            report.simulate_seconds,
            report.stopped,
            report.mean_customers,
            report.out.display()
        );
    }
    Ok(())
}

/// Prints a result line on stdout (the only place the program writes to stdout).
#[expect(clippy::print_stdout, reason = "the CLI's results go to stdout")]
fn say(text: &str) {
    println!("{text}");
}

/// The scenario `fission init` writes.
const STARTER: &str = include_str!("../scenarios/quickstart.toml");
