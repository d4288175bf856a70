//! The `bucketbridge` command: parses arguments, runs them, and turns the result into an exit code.

fn main() {
    let code = bucketbridge::cli::run(std::env::args_os(), &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    std::process::exit(code);
}
