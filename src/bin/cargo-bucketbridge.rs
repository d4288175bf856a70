//! `cargo bucketbridge ...`: cargo runs this binary as `cargo-bucketbridge bucketbridge ...`, inserting the
//! subcommand name as the first argument; it is dropped so the rest reads as `bucketbridge ...`.

/// A large blueprint's build allocates millions of small strings and maps; glibc's allocator spent a third of the
/// time in them and grew slower per client as the heap grew (book, "Performance"). mimalloc keeps the cost per
/// client flat. The library leaves the choice of allocator to the binaries.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    bucketbridge::allocator::keep_memory_low();
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
