//! The access matrix of a large external-handoff blueprint: issue 5 asks for the full matrix of a 1,000-client
//! blueprint in under one second. The 100-client case gives the per-client cost.
//!
//! Run with `cargo bench --bench matrix` (or `-- --quick` for a shorter run). Each iteration builds the
//! evaluator's world from the model and evaluates every row and capability column, as `bucketbridge explain`
//! does; compiling the blueprint is done once, outside the measurement.
//!
//! The bucket uses SSE-S3: with SSE-KMS the key policy names every client role, and above about 400 clients it
//! passes KMS's 32 KB key-policy limit, which `compile` refuses. `benches/build.rs` measures whole compiles.

use std::fmt::Write as _;

use bucketbridge::explain::{self, Columns};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// A blueprint with `clients` clients over one SSE-S3 bucket, half with capabilities and half with explicit
/// actions, every other one confined to a prefix.
fn blueprint(clients: usize) -> String {
    let mut yaml = String::from(
        "scenario: external-handoff\nname: bench\nowner: { account: \"111122223333\", region: eu-west-1 }\n\
         bucket: { name: bench-bucket, encryption: sse-s3, versioning: true }\nclients:\n",
    );
    for index in 0..clients {
        let access = if index % 2 == 0 {
            "capabilities: [upload, download, browse]".to_owned()
        } else {
            "actions: [s3:GetObject, s3:PutObject, s3:ListBucket]".to_owned()
        };
        let prefix = if index % 2 == 0 { format!(", prefix: client{index}/") } else { String::new() };
        writeln!(
            yaml,
            "  - {{ name: Client{index}, account: \"{:012}\", external_id: client-{index}-id, {access}{prefix} }}",
            200_000_000_000_u64 + index as u64
        )
        .expect("writing to a string cannot fail");
    }
    yaml
}

fn matrix(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("matrix");
    group.sample_size(10);
    for clients in [100, 1_000] {
        let yaml = blueprint(clients);
        let compiled =
            bucketbridge::compile("blueprints/bench.yaml", &yaml, bucketbridge::emit::Targets::ALL).unwrap_or_else(|diagnostics| {
                panic!("the bench blueprint compiles: {}", bucketbridge::diagnostic::render(&diagnostics, &yaml))
            });
        let deployment = compiled.deployment;
        group.bench_with_input(BenchmarkId::new("capabilities", clients), &deployment, |bencher, deployment| {
            bencher.iter(|| explain::matrix(deployment, Columns::Capabilities).expect("matrix"));
        });
    }
    group.finish();
}

criterion_group!(benches, matrix);
criterion_main!(benches);
