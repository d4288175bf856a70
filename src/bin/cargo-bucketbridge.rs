//! `cargo bucketbridge ...`: cargo runs this binary as `cargo-bucketbridge bucketbridge ...`, inserting the
//! subcommand name as the first argument; it is dropped so the rest reads as `bucketbridge ...`.

fn main() {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|argument| argument == "bucketbridge") {
        args.remove(1);
    }
    if let Some(program) = args.first_mut() {
        *program = "cargo bucketbridge".into();
    }
    let code = bucketbridge::cli::run(args, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    std::process::exit(code);
}
