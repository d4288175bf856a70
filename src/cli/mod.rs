//! The command line: clap types and the glue that calls the library.
//!
//! No logic lives here beyond finding files, calling the library and printing what it returns. [`run`] takes
//! its output streams as arguments so tests can run the CLI in-process.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

mod check;
mod init;
pub mod reference;

use crate::CompileError;
use crate::config::{self, Config};
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::emit::{Discard, Options, Targets};
use crate::write::{self, Generated, WriteError};

/// Exit code for success.
pub const EXIT_OK: i32 = 0;
/// Exit code for an invalid blueprint.
pub const EXIT_INVALID: i32 = 1;
/// Exit code for a usage or I/O error.
pub const EXIT_USAGE_OR_IO: i32 = 2;

/// Compile S3 cross-account access blueprints into Terraform modules and CloudFormation templates.
#[derive(Debug, Parser)]
#[command(name = "bucketbridge", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile blueprints and write the generated modules.
    Build(BuildArgs),
    /// Check blueprints and report every mistake, without writing anything.
    Validate(ValidateArgs),
    /// Regenerate in memory and compare with the output folder: exit 0 when identical, 1 with a diff when not.
    Check(check::CheckArgs),
    /// List the scenario kinds a blueprint can use.
    Scenarios,
    /// Write a commented starter blueprint for a scenario kind, with a fresh random external ID.
    Init(init::InitArgs),
    /// Print the access matrix of a blueprint: who can do what, decided from the generated policies.
    Explain(ExplainArgs),
    /// Evaluate requests against plain AWS JSON policies described in an eval file (see the book's evaluator page).
    Eval(EvalArgs),
}

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The blueprint to explain.
    pub blueprint: PathBuf,
    /// One column per action instead of one per capability.
    #[arg(long)]
    pub actions: bool,
    /// Show the requests and statements that decided one cell, given as ROW:COLUMN (`3:upload`, `1:s3:GetObject`).
    #[arg(long, value_name = "ROW:COLUMN")]
    pub why: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Table)]
    pub format: ExplainFormat,
}

/// `explain --format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// A plain-text table.
    Table,
    /// Markdown, as committed in `access.md`.
    Markdown,
    /// JSON with every request and deciding statement.
    Json,
}

/// Arguments of `eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The eval file (JSON): users, roles, buckets, keys and requests.
    pub file: PathBuf,
}

/// What to generate and where: shared by `build` and `check`. Each flag overrides `bucketbridge.toml`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Blueprint files; by default every `*.yaml` in the blueprint folder (`blueprints` in bucketbridge.toml, or
    /// `blueprints/`).
    pub blueprints: Vec<PathBuf>,
    /// Which targets to generate [default: `targets` in bucketbridge.toml, or all]
    #[arg(long, value_enum)]
    pub target: Option<TargetArg>,
    /// Output folder; each blueprint's files go to `<out>/<blueprint name>/` [default: `out` in
    /// bucketbridge.toml, or `generated`]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Version constraint on the hashicorp/aws provider in versions.tf [default: `terraform.aws_provider_version`
    /// in bucketbridge.toml, or ">= 5.0"]
    #[arg(long, value_name = "CONSTRAINT")]
    pub aws_provider_version: Option<String>,
}

/// Arguments of `build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// What to generate and where.
    #[command(flatten)]
    pub generate: GenerateArgs,
    /// Overwrite or remove generated files even if they were edited by hand since bucketbridge wrote them.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Blueprint files to check.
    #[arg(required = true)]
    pub blueprints: Vec<PathBuf>,
}

/// `--target` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    /// Terraform modules only.
    Terraform,
    /// CloudFormation templates only.
    Cloudformation,
    /// Both.
    All,
}

impl TargetArg {
    fn targets(self) -> Targets {
        match self {
            TargetArg::Terraform => Targets { terraform: true, cloudformation: false },
            TargetArg::Cloudformation => Targets { terraform: false, cloudformation: true },
            TargetArg::All => Targets::ALL,
        }
    }
}

/// The folder `build` reads when given no blueprint and no configuration names one.
pub const DEFAULT_BLUEPRINT_FOLDER: &str = "blueprints";
/// The output folder when neither a flag nor the configuration names one.
pub const DEFAULT_OUTPUT_FOLDER: &str = "generated";

/// Runs the command line `args` (program name first) in the process's working folder, writing to `stdout` and
/// `stderr`; returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    match std::env::current_dir() {
        Ok(dir) => run_in(&dir, args, stdout, stderr),
        Err(error) => {
            let _ = writeln!(stderr, "error: could not find the working folder: {error}");
            EXIT_USAGE_OR_IO
        }
    }
}

/// Runs the command line `args` as if started in the folder `dir`: relative paths are read from there, and
/// `bucketbridge.toml` is looked for there and in each folder above.
pub fn run_in(dir: &Path, args: impl IntoIterator<Item = OsString>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { EXIT_USAGE_OR_IO } else { EXIT_OK };
            let rendered = error.render().to_string();
            let stream: &mut dyn Write = if error.use_stderr() { stderr } else { stdout };
            let _ = stream.write_all(rendered.as_bytes());
            return code;
        }
    };
    let result = match cli.command {
        Command::Build(args) => Project::load(dir, stderr).and_then(|project| build(&project, &args, stdout, stderr)),
        Command::Validate(args) => Project::load(dir, stderr).and_then(|project| validate(&project, &args, stdout, stderr)),
        Command::Check(args) => Project::load(dir, stderr).and_then(|project| check::check(&project, &args, stdout, stderr)),
        Command::Init(args) => Project::load(dir, stderr).and_then(|project| init::init(&project, &args, stdout, stderr)),
        Command::Explain(args) => Project::load(dir, stderr).and_then(|project| explain(&project, &args, stdout, stderr)),
        Command::Eval(args) => Project::load(dir, stderr).and_then(|project| eval(&project, &args, stdout)),
        Command::Scenarios => {
            for (name, about) in crate::blueprint::SCENARIOS {
                let _ = writeln!(stdout, "{name:<18} {about}");
            }
            Ok(EXIT_OK)
        }
    };
    match result {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            let _ = writeln!(stderr, "error: {message}");
            EXIT_USAGE_OR_IO
        }
        Err(Failure::Reported(code)) => code,
    }
}

/// Why a command stopped early.
#[derive(Debug)]
enum Failure {
    /// A usage or I/O problem, printed as `error: ...` with exit code 2.
    Usage(String),
    /// Already reported on stderr; exit with this code.
    Reported(i32),
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::Usage(message)
    }
}

/// The working folder and the `bucketbridge.toml` that applies to it, if any.
struct Project {
    /// Where relative paths on the command line start.
    dir: PathBuf,
    /// The configuration file's folder, or the working folder without one: blueprint paths in messages and
    /// generated-file headers are relative to it, so output does not depend on where in the repository the
    /// command runs.
    base: PathBuf,
    /// The configuration, when a file was found.
    config: Option<Config>,
}

impl Project {
    /// Finds and parses `bucketbridge.toml` in `dir` or the nearest folder above, as cargo finds `Cargo.toml`.
    fn load(dir: &Path, stderr: &mut dyn Write) -> Result<Project, Failure> {
        let dir = normalize(dir);
        let Some(file) = dir.ancestors().map(|folder| folder.join(config::FILE_NAME)).find(|file| file.is_file()) else {
            return Ok(Project { base: dir.clone(), dir, config: None });
        };
        let base = file.parent().expect("a file found in a folder has a parent").to_owned();
        let display = diagnostic::display_path(&path_from(&dir, &file));
        let text = std::fs::read_to_string(&file).map_err(|error| format!("could not read `{display}`: {error}"))?;
        match config::parse(&display, &text) {
            Ok(config) => Ok(Project { dir, base, config: Some(config) }),
            Err(diagnostics) => {
                print_diagnostics(stderr, &diagnostics, &text);
                let _ = writeln!(stderr, "error: invalid configuration in `{display}`; nothing was done\n");
                Err(Failure::Reported(EXIT_INVALID))
            }
        }
    }

    /// A path from the command line, relative to the working folder.
    fn command_line_path(&self, path: &Path) -> PathBuf {
        normalize(&self.dir.join(path))
    }

    /// A path from the configuration file, relative to its folder.
    fn config_path(&self, path: &str) -> PathBuf {
        normalize(&self.base.join(path))
    }

    /// How a path is shown in messages and generated-file headers: relative to [`Project::base`] when under it.
    fn show(&self, path: &Path) -> String {
        display_relative(&self.base, path)
    }

    /// The blueprint files to compile: those named, or every one in the blueprint folder.
    fn blueprints(&self, named: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
        if !named.is_empty() {
            return Ok(named.iter().map(|path| self.command_line_path(path)).collect());
        }
        let folder = match self.config.as_ref().and_then(|config| config.blueprints.as_deref()) {
            Some(folder) => self.config_path(folder),
            None => self.base.join(DEFAULT_BLUEPRINT_FOLDER),
        };
        blueprints_in(&folder).map_err(|_| {
            format!(
                "no blueprints (`*.yaml`) in `{}`; name blueprint files on the command line, add one there, or set `blueprints` in {}",
                self.show(&folder),
                config::FILE_NAME
            )
        })
    }

    /// The output folder: the flag, the configuration, or `generated`.
    fn out(&self, flag: Option<&Path>) -> PathBuf {
        match (flag, self.config.as_ref().and_then(|config| config.out.as_deref())) {
            (Some(out), _) => self.command_line_path(out),
            (None, Some(out)) => self.config_path(out),
            (None, None) => self.base.join(DEFAULT_OUTPUT_FOLDER),
        }
    }

    /// The emitter options: the configuration's, overridden by flags.
    fn options(&self, args: &GenerateArgs) -> Result<Options, String> {
        let mut options = self.config.as_ref().map(Config::options).unwrap_or_default();
        if let Some(target) = args.target {
            options.targets = target.targets();
        }
        if let Some(version) = &args.aws_provider_version {
            crate::emit::terraform::check_version_constraint(version)
                .map_err(|problem| format!("invalid value for --aws-provider-version: {problem}"))?;
            options.terraform.aws_provider_version = version.clone();
        }
        Ok(options)
    }
}

/// `path` without `.` components and with `..` applied, without touching the file system (so symbolic links in
/// the working folder do not change how paths are shown).
fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !normal.pop() {
                    normal.push("..");
                }
            }
            other => normal.push(other),
        }
    }
    normal
}

/// `path` relative to `base` when it is under it, else as it is; with `/` separators.
fn display_relative(base: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    diagnostic::display_path(relative)
}

/// The relative path that leads from the folder `from` to `to` (both normalized and absolute), with `..` where
/// `to` is not under `from`.
fn path_from(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut relative = PathBuf::new();
    for _ in common..from.len() {
        relative.push("..");
    }
    for component in &to[common..] {
        relative.push(component);
    }
    relative
}

/// A blueprint file read from disk.
struct Input {
    display: String,
    text: String,
}

fn read_inputs(project: &Project, paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    paths
        .iter()
        .map(|path| {
            let display = project.show(path);
            let bytes = std::fs::read(path).map_err(|error| format!("could not read `{display}`: {error}"))?;
            let text = String::from_utf8(bytes).map_err(|_| format!("could not read `{display}`: it is not UTF-8 text"))?;
            Ok(Input { display, text })
        })
        .collect()
}

/// Every `*.yaml` and `*.yml` file in `folder`, sorted by name.
///
/// # Errors
///
/// Returns a message when the folder cannot be listed or holds no blueprint.
pub fn blueprints_in(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let show = diagnostic::display_path(folder);
    let entries = std::fs::read_dir(folder).map_err(|error| format!("could not list blueprints in `{show}`: {error}"))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|error| format!("could not list blueprints in `{show}`: {error}"))?.path();
        if matches!(path.extension().and_then(|extension| extension.to_str()), Some("yaml" | "yml")) {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(format!("no blueprints (`*.yaml`) in `{show}`; name blueprint files on the command line or add one there"));
    }
    Ok(paths)
}

/// Compiles every input, handing each generated file to `destination` as soon as it exists, and prints
/// diagnostics.
/// Returns whether every input compiled; once one has not, the later ones are still compiled, for their
/// diagnostics, but their files are dropped.
///
/// # Errors
///
/// The first error of `destination`.
fn compile_inputs(
    inputs: &[Input],
    options: &Options,
    stderr: &mut dyn Write,
    destination: &mut dyn write::Destination,
) -> Result<bool, WriteError> {
    let mut failed = false;
    let mut names: Vec<(String, String)> = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        let result = if failed {
            crate::compile_into(&input.display, &input.text, options, &mut Discard).map_err(|error| match error {
                CompileError::Invalid(diagnostics) => CompileError::Invalid(diagnostics),
                CompileError::Sink(never) => match never {},
            })
        } else {
            let mut files = write::BlueprintFiles { destination: &mut *destination, blueprint: &input.display };
            crate::compile_into(&input.display, &input.text, options, &mut files)
        };
        match result {
            Ok(compiled) => {
                print_diagnostics(stderr, &compiled.warnings, &input.text);
                if let Some((_, first)) = names.iter().find(|(name, _)| *name == compiled.deployment.name) {
                    let _ = writeln!(
                        stderr,
                        "error: blueprints `{first}` and `{}` are both named `{}`; each blueprint's output goes to a folder of that name, so names must be unique\n",
                        input.display, compiled.deployment.name
                    );
                    failed = true;
                }
                names.push((compiled.deployment.name.clone(), input.display.clone()));
                // The last blueprint's model is freed by the process's exit, at no cost: freeing it here takes
                // about 30 ms at 10,000 clients, on one thread, before the tree can be swapped in. An earlier
                // blueprint's is freed, so a folder of large blueprints does not hold every model at once.
                if index + 1 == inputs.len() {
                    std::mem::forget(compiled);
                }
            }
            Err(CompileError::Invalid(diagnostics)) => {
                print_diagnostics(stderr, &diagnostics, &input.text);
                let errors = diagnostics.iter().filter(|diagnostic| diagnostic.severity == Severity::Error).count();
                let _ = writeln!(
                    stderr,
                    "error: {errors} error{} in `{}`; nothing was written\n",
                    if errors == 1 { "" } else { "s" },
                    input.display
                );
                failed = true;
            }
            Err(CompileError::Sink(error)) => return Err(error),
        }
    }
    Ok(!failed)
}

fn print_diagnostics(stderr: &mut dyn Write, diagnostics: &[Diagnostic], source: &str) {
    if !diagnostics.is_empty() {
        let _ = write!(stderr, "{}", diagnostic::render(diagnostics, source));
    }
}

/// What `check` generates in memory.
struct Generation {
    /// The output folder.
    out: PathBuf,
    /// The blueprints compiled.
    inputs: Vec<Input>,
    /// Every generated file, compared with the output folder as it came ([`Generated::against`]).
    generated: Generated,
}

/// What `build` and `check` compile: the blueprints `args` names (or the blueprint folder's), with the options
/// and output folder they take from the configuration and the flags.
struct Inputs {
    options: Options,
    inputs: Vec<Input>,
    out: PathBuf,
    /// Whether the inputs are the whole blueprint folder (see [`Generated::new`]).
    complete: bool,
}

fn inputs(project: &Project, args: &GenerateArgs) -> Result<Inputs, Failure> {
    let options = project.options(args)?;
    let inputs = read_inputs(project, &project.blueprints(&args.blueprints)?)?;
    Ok(Inputs { options, inputs, out: project.out(args.out.as_deref()), complete: args.blueprints.is_empty() })
}

/// Compiles the blueprints `args` names (or the blueprint folder's) in memory; `Err(Failure::Reported(1))`
/// when any is invalid, after printing its diagnostics.
fn generate(project: &Project, args: &GenerateArgs, stderr: &mut dyn Write) -> Result<Generation, Failure> {
    let Inputs { options, inputs, out, complete } = inputs(project, args)?;
    let mut generated = Generated::against(&out, complete).map_err(|error| Failure::Usage(error.to_string()))?;
    let all_compiled = compile_inputs(&inputs, &options, stderr, &mut generated).map_err(|error| Failure::Usage(error.to_string()))?;
    if !all_compiled {
        return Err(Failure::Reported(EXIT_INVALID));
    }
    Ok(Generation { out, inputs, generated })
}

/// Compiles the blueprints straight into the output folder's staging tree, one file at a time, and swaps it
/// in once every blueprint has compiled; an invalid blueprint or a refused build leaves the folder as it was.
fn build(project: &Project, args: &BuildArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, Failure> {
    let Inputs { options, inputs, out, complete } = inputs(project, &args.generate)?;
    let shown = project.show(&out);
    let io_error = |error: WriteError| Failure::Usage(error.to_string());
    let mut staging = write::Staging::begin(&out).map_err(io_error)?;
    let all_compiled = compile_inputs(&inputs, &options, stderr, &mut staging).map_err(io_error)?;
    if !all_compiled {
        // Dropping the staging tree removes it; the output folder was never touched.
        return Err(Failure::Reported(EXIT_INVALID));
    }
    let written = match staging.finish(complete, args.force) {
        Ok(written) => written,
        Err(error @ WriteError::EditedByHand { .. }) => {
            let _ = writeln!(stderr, "error: `{shown}` was not replaced: {error}");
            return Ok(EXIT_INVALID);
        }
        Err(error) => return Err(io_error(error)),
    };
    let mut summary = format!("wrote {} files for {} blueprint(s) into `{shown}`", written.files, inputs.len());
    if !written.removed.is_empty() {
        summary.push_str(&format!("; removed {} no longer generated", written.removed.len()));
    }
    if !written.overwritten.is_empty() {
        summary.push_str(&format!("; overwrote {} edited by hand", written.overwritten.len()));
    }
    let _ = writeln!(stdout, "{summary}");
    Ok(EXIT_OK)
}

fn validate(project: &Project, args: &ValidateArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, Failure> {
    let paths: Vec<PathBuf> = args.blueprints.iter().map(|path| project.command_line_path(path)).collect();
    let inputs = read_inputs(project, &paths)?;
    let options = project.config.as_ref().map(Config::options).unwrap_or_default();
    // Every file is built, as for `build`, and dropped as soon as it is.
    let all_compiled = compile_inputs(&inputs, &options, stderr, &mut Discard).map_err(|error| Failure::Usage(error.to_string()))?;
    if !all_compiled {
        return Ok(EXIT_INVALID);
    }
    for input in &inputs {
        let _ = writeln!(stdout, "{}: valid", input.display);
    }
    Ok(EXIT_OK)
}

fn explain(project: &Project, args: &ExplainArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, Failure> {
    let inputs = read_inputs(project, &[project.command_line_path(&args.blueprint)])?;
    let input = &inputs[0];
    let compiled = match crate::compile(&input.display, &input.text, Targets::ALL) {
        Ok(compiled) => compiled,
        Err(diagnostics) => {
            print_diagnostics(stderr, &diagnostics, &input.text);
            return Ok(EXIT_INVALID);
        }
    };
    let columns = if args.actions { crate::explain::Columns::Actions } else { crate::explain::Columns::Capabilities };
    let matrix =
        crate::explain::matrix(&compiled.deployment, columns).map_err(|error| format!("internal error: {error}; please report this"))?;
    if let Some(cell) = &args.why {
        let (row, column) = cell.split_once(':').ok_or_else(|| format!("`--why {cell}`: expected ROW:COLUMN, such as `1:upload`"))?;
        let row_index = row
            .parse::<usize>()
            .ok()
            .filter(|row| (1..=matrix.rows.len()).contains(row))
            .ok_or_else(|| format!("`--why {cell}`: row must be 1 to {}", matrix.rows.len()))?;
        let column_index = matrix
            .columns
            .iter()
            .position(|heading| heading == column)
            .ok_or_else(|| format!("`--why {cell}`: no column `{column}`; columns are {}", matrix.columns.join(", ")))?;
        let text = matrix.why(row_index - 1, column_index).unwrap_or_default();
        let _ = write!(stdout, "{text}");
        return Ok(EXIT_OK);
    }
    let text = match args.format {
        ExplainFormat::Table => matrix.to_table(),
        ExplainFormat::Markdown => matrix.to_markdown(),
        ExplainFormat::Json => {
            let mut json = serde_json::to_string_pretty(&matrix).map_err(|error| format!("internal error: {error}; please report this"))?;
            json.push('\n');
            json
        }
    };
    let _ = write!(stdout, "{text}");
    Ok(EXIT_OK)
}

fn eval(project: &Project, args: &EvalArgs, stdout: &mut dyn Write) -> Result<i32, Failure> {
    let path = project.command_line_path(&args.file);
    let shown = project.show(&path);
    let text = std::fs::read_to_string(&path).map_err(|error| format!("could not read `{shown}`: {error}"))?;
    let file = crate::eval::load(&text).map_err(|error| format!("`{shown}`: {error}"))?;
    let results = crate::eval::run(&file);
    let _ = write!(stdout, "{}", crate::eval::render_report(&results));
    let mismatched = results.iter().any(|result| result.passed == Some(false));
    Ok(if mismatched { EXIT_INVALID } else { EXIT_OK })
}
