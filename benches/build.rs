//! Compiling blueprints to both targets, in memory: the scale targets of issue 6 (section "Scale") are a
//! 10,000-client external-handoff blueprint in under a second and a per-client cost that stays flat from 100 to
//! 10,000 clients. `scripts/measure-build` measures the same blueprints as whole `bucketbridge build` processes,
//! with the write and peak memory; `book/src/performance.md` records both.
//!
//! Run with `cargo bench --bench build` (or `-- --quick` for a shorter run, `-- clients` or `-- folder` for one
//! group). Each iteration is `bucketbridge::compile` to both targets: parsing, the model, the access matrix and
//! every file. Writing to disk is left out, so these are the compiler's own figures.
//!
//! The large blueprints use SSE-S3: with SSE-KMS the key policy names every client role, and above about 400
//! clients it passes KMS's 32 KB key-policy limit, which `compile` refuses.

use std::fmt::Write as _;
use std::time::Duration;

// The allocator of the `bucketbridge` binaries (`src/main.rs`), so that these figures are theirs: with glibc's
// allocator a 10,000-client build takes about a quarter longer (book, "Performance").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use bucketbridge::emit::Targets;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// An external-handoff blueprint named `name` with `clients` clients over one SSE-S3 bucket: half with
/// capabilities and confined to a prefix, half with explicit actions on the whole bucket.
/// `scripts/measure-build` writes the same blueprint.
fn handoff_blueprint(name: &str, clients: usize) -> String {
    let mut yaml = format!(
        "scenario: external-handoff\nname: {name}\nowner: {{ account: \"111122223333\", region: eu-west-1 }}\n\
         bucket: {{ name: {name}-bucket, encryption: sse-s3, versioning: true }}\nclients:\n"
    );
    for index in 0..clients {
        let account = 200_000_000_000_u64 + index as u64;
        let access = if index % 2 == 0 {
            format!("capabilities: [upload, download, browse], prefix: client{index}/")
        } else {
            "actions: [s3:GetObject, s3:PutObject, s3:ListBucket]".to_owned()
        };
        writeln!(yaml, "  - {{ name: Client{index}, account: \"{account:012}\", external_id: client-{index}-id, {access} }}")
            .expect("writing to a string cannot fail");
    }
    yaml
}

/// One of the folder's small blueprints: two clients, SSE-KMS with a created key for every other one, so both
/// encryption paths are in the folder. `scripts/measure-build` writes the same blueprints.
fn small_blueprint(index: usize) -> String {
    let encryption = if index % 2 == 0 { format!("sse-kms, kms: {{ alias: team{index} }}") } else { "sse-s3".to_owned() };
    format!(
        "scenario: external-handoff\nname: team{index}\nowner: {{ account: \"111122223333\", region: eu-west-1 }}\n\
         bucket: {{ name: team{index}-exchange, encryption: {encryption}, versioning: true }}\nclients:\n\
         \x20 - {{ name: Partner, account: \"444455556666\", external_id: team{index}-partner, capabilities: [upload, download] }}\n\
         \x20 - {{ name: Auditor, account: \"777788889999\", external_id: team{index}-auditor, capabilities: [browse], prefix: reports/ }}\n"
    )
}

fn compile(source: &str, yaml: &str) -> bucketbridge::Compiled {
    bucketbridge::compile(source, yaml, Targets::ALL).unwrap_or_else(|diagnostics| {
        panic!("the bench blueprint {source} compiles: {}", bucketbridge::diagnostic::render(&diagnostics, yaml))
    })
}

fn clients(criterion: &mut Criterion) {
    bucketbridge::allocator::keep_memory_low();
    let mut group = criterion.benchmark_group("clients");
    // Criterion's smallest sample; a 10,000-client iteration takes seconds on a shared 2-core machine.
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for clients in [1, 100, 1_000, 10_000] {
        let yaml = handoff_blueprint("bench", clients);
        // Per-element throughput makes criterion print the cost per client next to the time.
        group.throughput(Throughput::Elements(clients as u64));
        group.bench_with_input(BenchmarkId::from_parameter(clients), &yaml, |bencher, yaml| {
            bencher.iter(|| compile("blueprints/bench.yaml", yaml));
        });
    }
    group.finish();
}

fn folder(criterion: &mut Criterion) {
    bucketbridge::allocator::keep_memory_low();
    let mut group = criterion.benchmark_group("folder");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    let blueprints: Vec<(String, String)> =
        (0..1_000).map(|index| (format!("blueprints/team{index}.yaml"), small_blueprint(index))).collect();
    group.throughput(Throughput::Elements(blueprints.len() as u64));
    group.bench_function(BenchmarkId::from_parameter(blueprints.len()), |bencher| {
        bencher.iter(|| blueprints.iter().map(|(source, yaml)| compile(source, yaml).files.len()).sum::<usize>());
    });
    group.finish();
}

criterion_group!(benches, clients, folder);
criterion_main!(benches);
