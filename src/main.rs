//! The `bucketbridge` command: parses arguments, runs them, and turns the result into an exit code.

/// A large blueprint's build allocates millions of small strings and maps; glibc's allocator spent a third of the
/// time in them and grew slower per client as the heap grew (book, "Performance"). mimalloc keeps the cost per
/// client flat. The library leaves the choice of allocator to the binaries.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    bucketbridge::allocator::keep_memory_low();
    let code = bucketbridge::cli::run(std::env::args_os(), &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    std::process::exit(code);
}
