//! `bucketbridge check`: regenerate in memory and compare with the output folder, for CI and pre-commit hooks.

use std::io::Write;

use super::{EXIT_INVALID, EXIT_OK, Failure, GenerateArgs, Generation, Project, generate};

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// What to generate and where, as for `build`.
    #[command(flatten)]
    pub generate: GenerateArgs,
}

/// Prints the unified diff on stdout (so it can be saved and applied) and the verdict on stderr.
pub(super) fn check(project: &Project, args: &CheckArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, Failure> {
    let Generation { out, inputs, generated } = generate(project, &args.generate, stderr)?;
    let plan = crate::write::plan(&out, generated).map_err(|error| error.to_string())?;
    let (expected, actual) = (&plan.files, &plan.current);
    let drifts = crate::check::check(expected, actual);
    let shown = project.show(&out);
    if drifts.is_empty() {
        let _ = writeln!(stdout, "ok: `{shown}` is what {} blueprint(s) generate", inputs.len());
        return Ok(EXIT_OK);
    }
    let _ = write!(stdout, "{}", crate::check::render(&shown, &drifts, expected, actual));
    let _ = writeln!(
        stderr,
        "error: `{shown}` differs from what the blueprints generate ({}); run `bucketbridge build` and commit the result",
        crate::check::summary(&drifts)
    );
    Ok(EXIT_INVALID)
}
