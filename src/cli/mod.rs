//! The command line: clap types and the glue that calls the library.
//!
//! No logic lives here beyond finding files, calling the library and printing what it returns. [`run`] takes
//! its output streams as arguments so tests can run the CLI in-process.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

pub mod reference;

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::emit::{FileTree, Targets};

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
    /// List the scenario kinds a blueprint can use.
    Scenarios,
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

/// Arguments of `build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Blueprint files; by default every `*.yaml` in `blueprints/`.
    pub blueprints: Vec<PathBuf>,
    /// Which targets to generate.
    #[arg(long, value_enum, default_value_t = TargetArg::All)]
    pub target: TargetArg,
    /// Output folder; each blueprint's files go to `<out>/<blueprint name>/`.
    #[arg(long, default_value = "generated")]
    pub out: PathBuf,
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

/// The folder `build` reads when given no blueprint.
pub const DEFAULT_BLUEPRINT_FOLDER: &str = "blueprints";

/// Runs the command line `args` (program name first), writing to `stdout` and `stderr`; returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
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
        Command::Build(args) => build(&args, stdout, stderr),
        Command::Validate(args) => validate(&args, stdout, stderr),
        Command::Explain(args) => explain(&args, stdout, stderr),
        Command::Eval(args) => eval(&args, stdout),
        Command::Scenarios => {
            for (name, about) in crate::blueprint::SCENARIOS {
                let _ = writeln!(stdout, "{name:<18} {about}");
            }
            Ok(EXIT_OK)
        }
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}");
            EXIT_USAGE_OR_IO
        }
    }
}

/// A blueprint file read from disk.
struct Input {
    display: String,
    text: String,
}

fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn read_inputs(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    paths
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).map_err(|error| format!("could not read `{}`: {error}", display_path(path)))?;
            let text = String::from_utf8(bytes).map_err(|_| format!("could not read `{}`: it is not UTF-8 text", display_path(path)))?;
            Ok(Input { display: display_path(path), text })
        })
        .collect()
}

/// Every `*.yaml` and `*.yml` file in `folder`, sorted by name.
pub fn blueprints_in(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(folder).map_err(|error| format!("could not list blueprints in `{}`: {error}", display_path(folder)))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|error| format!("could not list blueprints in `{}`: {error}", display_path(folder)))?.path();
        if matches!(path.extension().and_then(|extension| extension.to_str()), Some("yaml" | "yml")) {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(format!(
            "no blueprints (`*.yaml`) in `{}`; name blueprint files on the command line or add one there",
            display_path(folder)
        ));
    }
    Ok(paths)
}

/// Compiles every input; prints diagnostics; returns the merged tree when all compiled.
fn compile_inputs(inputs: &[Input], targets: Targets, stderr: &mut dyn Write) -> Option<FileTree> {
    let mut tree = FileTree::new();
    let mut failed = false;
    let mut names: Vec<(String, String)> = Vec::new();
    for input in inputs {
        match crate::compile(&input.display, &input.text, targets) {
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
                tree.extend(compiled.files);
            }
            Err(diagnostics) => {
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
        }
    }
    (!failed).then_some(tree)
}

fn print_diagnostics(stderr: &mut dyn Write, diagnostics: &[Diagnostic], source: &str) {
    if !diagnostics.is_empty() {
        let _ = write!(stderr, "{}", diagnostic::render(diagnostics, source));
    }
}

fn build(args: &BuildArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, String> {
    let paths = if args.blueprints.is_empty() { blueprints_in(Path::new(DEFAULT_BLUEPRINT_FOLDER))? } else { args.blueprints.clone() };
    let inputs = read_inputs(&paths)?;
    let Some(tree) = compile_inputs(&inputs, args.target.targets(), stderr) else {
        return Ok(EXIT_INVALID);
    };
    crate::write::write(&args.out, &tree).map_err(|error| error.to_string())?;
    let _ = writeln!(stdout, "wrote {} files for {} blueprint(s) into `{}`", tree.len(), inputs.len(), display_path(&args.out));
    Ok(EXIT_OK)
}

fn validate(args: &ValidateArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, String> {
    let inputs = read_inputs(&args.blueprints)?;
    if compile_inputs(&inputs, Targets::ALL, stderr).is_none() {
        return Ok(EXIT_INVALID);
    }
    for input in &inputs {
        let _ = writeln!(stdout, "{}: valid", input.display);
    }
    Ok(EXIT_OK)
}

fn explain(args: &ExplainArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, String> {
    let inputs = read_inputs(std::slice::from_ref(&args.blueprint))?;
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

fn eval(args: &EvalArgs, stdout: &mut dyn Write) -> Result<i32, String> {
    let text = std::fs::read_to_string(&args.file).map_err(|error| format!("could not read `{}`: {error}", display_path(&args.file)))?;
    let file = crate::eval::load(&text).map_err(|error| format!("`{}`: {error}", display_path(&args.file)))?;
    let results = crate::eval::run(&file);
    let _ = write!(stdout, "{}", crate::eval::render_report(&results));
    let mismatched = results.iter().any(|result| result.passed == Some(false));
    Ok(if mismatched { EXIT_INVALID } else { EXIT_OK })
}
