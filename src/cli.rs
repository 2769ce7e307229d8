//! The command line: `run`, `plot`, `validate`, `init`, `graph generate`, `graph describe`,
//! `completions`, `man`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use fission::engine::Setup;
use fission::error::{Error, Result};
use fission::experiment::Experiment;
use fission::graph::{self, GraphStats};
use fission::output::file::write_whole;
use fission::preflight::{self, Limits};
use fission::prepare::prepare;
use fission::run::{RunOptions, run};

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
    /// Find the best sweep point by successive halving (the file's [optimize] table): like
    /// `run`, but each round runs only the best candidates, with more replicates.
    Optimize(RunArgs),
    /// Fit the file's [calibrate] parameters to observed daily data by ABC-SMC; write the
    /// posterior, its summary, the calibrated scenario and a posterior-predictive chart.
    Calibrate {
        /// The scenario file, with a [calibrate] table.
        file: PathBuf,
        /// The observed CSV: `day` and any daily.csv columns (e.g. day,customers,orders).
        #[arg(long)]
        data: PathBuf,
        /// Output folder [default: outputs/<name>-calibration/].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (0 = all cores); results do not depend on it.
        #[arg(long, default_value_t = 0, value_parser = threads)]
        threads: usize,
        /// Override any scenario key (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
        /// No progress bar or summary on stderr.
        #[arg(long, short)]
        quiet: bool,
        /// Finish an interrupted calibration into the same output folder (identical result).
        #[arg(long)]
        resume: bool,
    },
    /// Redraw the charts and the report of an output folder from its CSVs.
    Plot {
        /// An output folder written by `fission run`.
        dir: PathBuf,
    },
    /// Parse and validate scenario files (every variant, sweep point and graph); run nothing.
    /// Lints (valid but probably unintended settings) are printed as warnings.
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Override any scenario key, as `run` does (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
        /// Fail (exit 2) if any lint fires.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Write a commented starter scenario.
    Init {
        /// Where to write it.
        #[arg(default_value = "fission.toml")]
        path: PathBuf,
        /// The starting point.
        #[arg(long, value_enum, default_value_t = Template::Blank)]
        template: Template,
    },
    /// Generate or describe a social graph.
    #[command(subcommand)]
    Graph(GraphCommand),
    /// Print a shell completion script (e.g. `fission completions bash > ~/.local/share/bash-completion/completions/fission`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff; e.g. `fission man > fission.1 && man ./fission.1`).
    Man,
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
    /// Override the master seed (0 to 9223372036854775807: seeds are TOML integers).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Worker threads (0 = all cores, at most 256); results do not depend on it.
    #[arg(long, default_value_t = 0, value_parser = threads)]
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
    /// Memory the run may use, e.g. 8G or 512M [default: the machine's available memory].
    #[arg(long, value_name = "SIZE", value_parser = size)]
    max_memory: Option<u64>,
    /// Run even if the preflight estimate exceeds the memory or work limit.
    #[arg(long)]
    force: bool,
}

/// `--threads`: 0 to [`preflight::MAX_THREADS`].
fn threads(text: &str) -> std::result::Result<usize, String> {
    let n: usize = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number"))?;
    if n > preflight::MAX_THREADS {
        return Err(format!(
            "{n} threads is more than the {} fission starts; results do not depend on it, use 0 for \
             every core",
            preflight::MAX_THREADS
        ));
    }
    Ok(n)
}

/// `--max-memory`: bytes, with an optional K, M, G or T suffix (powers of 1024).
fn size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim().trim_end_matches(['B', 'b']);
    let (digits, shift) = match t.char_indices().last() {
        Some((i, 'K' | 'k')) => (&t[..i], 10),
        Some((i, 'M' | 'm')) => (&t[..i], 20),
        Some((i, 'G' | 'g')) => (&t[..i], 30),
        Some((i, 'T' | 't')) => (&t[..i], 40),
        _ => (t, 0),
    };
    let x: f64 = digits
        .trim()
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite() && *x > 0.0)
        .ok_or_else(|| format!("`{text}` is not a size such as 8G, 512M or 1000000"))?;
    Ok((x * 2f64.powi(shift)) as u64)
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
        Command::Calibrate {
            file,
            data,
            out,
            threads,
            sets,
            quiet,
            resume,
        } => calibrate_command(&file, &data, out, threads, &sets, quiet, resume),
        Command::Optimize(args) => {
            let exp = Experiment::load(&args.file, &args.sets)?;
            if exp.optimize.is_none() {
                return Err(Error::Input(format!(
                    "{}: no [optimize] table; add one (start, max, eta, constraint) to a file \
                     with a [sweep] of candidates, or use `fission run`",
                    args.file.display()
                )));
            }
            run_command(args)
        }
        Command::Plot { dir } => {
            fission::output::owner::check(&dir, false)?;
            fission::plot::redraw(&dir)?;
            fission::report::write(&dir)?;
            say(&format!(
                "redrew {} and its report",
                dir.join("plots").display()
            ))
        }
        Command::Validate {
            files,
            sets,
            deny_warnings,
        } => {
            let mut warnings = 0;
            for f in files {
                let p = prepare(&f, &sets, &Limits::default())?;
                for line in fission::lint::experiment(&p.exp) {
                    eprintln!("warning: {line}");
                    warnings += 1;
                }
                let g = p.setups[0].graph();
                say(&format!(
                    "ok: {} ({}, {} arm(s), {} members, {} edges; {})",
                    f.display(),
                    p.exp.name(),
                    p.exp.arms.len(),
                    g.node_count(),
                    g.edge_count(),
                    p.estimate
                ))?;
            }
            if deny_warnings && warnings > 0 {
                return Err(Error::Input(format!(
                    "{warnings} warning(s) above and --deny-warnings; fix them or drop the flag"
                )));
            }
            Ok(())
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "fission", &mut script);
            say(String::from_utf8_lossy(&script).trim_end())
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut page)
                .map_err(|e| Error::io("write", Path::new("<stdout>"), e))?;
            say(String::from_utf8_lossy(&page).trim_end())
        }
        Command::Init { path, template } => {
            let text = template.text();
            write_whole(&path, &|_| false, &mut |w| w.write_all(text.as_bytes()))?;
            say(&format!(
                "wrote {}; run it with: fission run {}",
                path.display(),
                quote(&path.to_string_lossy())
            ))
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
            let exp = Experiment::from_text(&text, Path::new("<graph generate>"), &[])?;
            preflight::check(&exp, &Limits::default())?;
            let g = graph::build(&exp.arms[0].loaded, 0)?;
            let ours = |first: Option<&str>| first.is_some_and(|l| l.starts_with(GENERATED));
            write_whole(&out, &ours, &mut |w| {
                writeln!(w, "{GENERATED} {kind} {} --seed {seed}", params.join(" "))?;
                writeln!(w, "# nodes {} edges {}", g.node_count(), g.edge_count())?;
                for (u, v) in g.edges() {
                    if g.is_strong(u, v) {
                        writeln!(w, "{u} {v} strong")?;
                    } else {
                        writeln!(w, "{u} {v}")?;
                    }
                }
                Ok(())
            })?;
            say(&format!(
                "wrote {} ({} nodes, {} edges)",
                out.display(),
                g.node_count(),
                g.edge_count()
            ))
        }
        Command::Graph(GraphCommand::Describe { file }) => {
            let g = if file.extension().is_some_and(|e| e == "toml") {
                let exp = Experiment::load(&file, &[])?;
                Setup::new(exp.arms[0].loaded.clone())?.graph().clone()
            } else {
                graph::edge_list::read(&file, None, None)?
            };
            say(&GraphStats::with_clustering(&g).to_string())
        }
    }
}

/// `fission calibrate`: every check first, then the generations with a progress bar.
fn calibrate_command(
    file: &Path,
    data: &Path,
    out: Option<PathBuf>,
    threads: usize,
    sets: &[String],
    quiet: bool,
    resume: bool,
) -> Result<()> {
    let problem = fission::calibrate::Problem::load(file, sets, data)?;
    let name = problem.base.loaded().scenario.name.clone();
    let target = fission::output::target::resolve(
        &out.unwrap_or_else(|| Path::new("outputs").join(format!("{name}-calibration"))),
    )?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Input(format!("cannot start {threads} worker threads: {e}")))?;
    let bar = ProgressBar::new(0);
    if quiet {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} proposals, ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let dir = fission::output::atomic::OutputDir::create(&target, resume, &command_line())?;
    let journal = dir.path(fission::output::journal::FILE);
    let generations = pool.install(|| {
        problem.run_journaled(&journal, resume, sets, data, &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
    })?;
    let dir = pool.install(|| fission::calibrate::write(&problem, &generations, dir))?;
    bar.finish_and_clear();
    if !quiet {
        let last = generations
            .last()
            .map_or(0, |g| g.particles.iter().filter(|p| p.accepted).count());
        eprintln!(
            "{} generations, {} accepted in the last; posterior in {}",
            generations.len(),
            last,
            dir.display()
        );
    }
    Ok(())
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
        sets,
        command: command_line(),
        limits: Limits {
            threads: args.threads,
            no_daily: args.no_daily,
            resume: args.resume,
            max_memory: args.max_memory,
            force: args.force,
        },
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
            "{} arm(s) × {} replicates in {:.2} s ({}); mean customers {}; results in {}",
            report.arms,
            report.replicates,
            report.simulate_seconds,
            report.stopped,
            fission::metrics::format::grouped(report.mean_customers, 1),
            report.out.display()
        );
    }
    Ok(())
}

/// The command line as a shell would read it back (each word quoted where needed), without
/// `--resume`: the line that reproduces the run from scratch.
fn command_line() -> String {
    std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .filter(|a| a != "--resume")
        .map(|a| quote(&a))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `word` quoted for a POSIX shell (`'…'` when it has anything special).
fn quote(word: &str) -> String {
    shlex::try_quote(word).map_or_else(|_| format!("{word:?}"), std::borrow::Cow::into_owned)
}

/// Prints a result line on stdout (the only place the program writes to stdout). A closed
/// stdout (`fission validate … | head`) is an [`Error::Io`] of kind `BrokenPipe`, which `main`
/// ends quietly.
///
/// # Errors
/// [`Error::Io`] if stdout cannot be written.
fn say(text: &str) -> Result<()> {
    writeln!(std::io::stdout().lock(), "{text}")
        .map_err(|e| Error::io("write", Path::new("<stdout>"), e))
}

/// The first line written by `fission graph generate`: how a file it may replace starts.
const GENERATED: &str = "# fission graph generate";

/// The starting points `fission init --template` writes (`scenarios/templates/`), each with
/// comments that make sense outside this repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Template {
    /// A market, a product and word of mouth, nothing else.
    Blank,
    /// A two-sided referral reward with "invite 3, get a free order", against no program.
    Referral,
    /// Two-person group-buy teams at 25% off, against selling at list price.
    GroupBuy,
    /// Groups with a daily post, points and tiers, win-back coupons.
    PrivateDomain,
    /// Three KOLs against thirty KOCs with free product.
    Kol,
}

impl Template {
    /// The template's scenario text.
    fn text(self) -> &'static str {
        match self {
            Template::Blank => include_str!("../scenarios/templates/blank.toml"),
            Template::Referral => include_str!("../scenarios/templates/referral.toml"),
            Template::GroupBuy => include_str!("../scenarios/templates/group_buy.toml"),
            Template::PrivateDomain => include_str!("../scenarios/templates/private_domain.toml"),
            Template::Kol => include_str!("../scenarios/templates/kol.toml"),
        }
    }
}
