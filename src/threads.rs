//! Work split over two threads where a large blueprint has many independent items: its clients are decoded and
//! their parts of the model built in two halves, and its policies measured against AWS's limits in chunks.

/// Hands `take` what `build` makes of each item, in order: built on this thread and one more when there are
/// many. What is built for one client depends on no other client, and at 10,000 clients decoding them and
/// building their parts of the model each take hundredths of a second in which nothing else can start. The
/// first half is taken as it is built; only the second half waits, built, for its turn (collecting every item's
/// parts first cost 6 MiB of peak memory).
pub(crate) fn for_each_on_two_threads<T: Sync, U: Send>(items: &[T], build: impl Fn(&T) -> U + Sync, mut take: impl FnMut(U)) {
    if items.len() < TWO_THREADS_MIN_ITEMS {
        items.iter().map(build).for_each(take);
        return;
    }
    let (first, second) = items.split_at(items.len() / 2);
    std::thread::scope(|scope| {
        let later = scope.spawn(|| second.iter().map(&build).collect::<Vec<U>>());
        first.iter().map(&build).for_each(&mut take);
        later.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)).into_iter().for_each(take);
    });
}

/// Hands `take` what `build` makes of each item, in order, with the items built on this thread and one more in
/// chunks that each thread takes in turn from a shared counter, so that neither waits while the other has work.
/// For items whose cost varies along the list, such as a module's resources, whose roles come before their
/// policies: split in two halves, the second thread had about 70% more to do. Every item is built before the first
/// is taken, so it suits items whose results are small.
pub(crate) fn for_each_in_chunks_on_two_threads<T: Sync, U: Send>(items: &[T], build: impl Fn(&T) -> U + Sync, take: impl FnMut(U)) {
    if items.len() < TWO_THREADS_MIN_ITEMS {
        items.iter().map(build).for_each(take);
        return;
    }
    let next_chunk = std::sync::atomic::AtomicUsize::new(0);
    let build_chunks = || {
        let mut built = Vec::new();
        loop {
            let start = next_chunk.fetch_add(CHUNK_ITEMS, std::sync::atomic::Ordering::Relaxed);
            let Some(chunk) = items.get(start..items.len().min(start + CHUNK_ITEMS)).filter(|chunk| !chunk.is_empty()) else {
                return built;
            };
            built.push((start, chunk.iter().map(&build).collect::<Vec<U>>()));
        }
    };
    let (mut chunks, theirs) = std::thread::scope(|scope| {
        let helper = scope.spawn(build_chunks);
        let mine = build_chunks();
        (mine, helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    chunks.extend(theirs);
    chunks.sort_unstable_by_key(|(start, _)| *start);
    chunks.into_iter().flat_map(|(_, built)| built).for_each(take);
}

/// Items per chunk of [`for_each_in_chunks_on_two_threads`]: a few hundred microseconds of work, so that taking
/// one is rare and the two threads end within one chunk of each other.
const CHUNK_ITEMS: usize = if cfg!(test) { 3 } else { 64 };

/// Below this many items a second thread would cost more than it saves: a client takes about 10 µs.
pub(crate) const TWO_THREADS_MIN_ITEMS: usize = if cfg!(test) { 4 } else { 500 };

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_threads_keep_the_items_in_order() {
        for count in [0, 1, TWO_THREADS_MIN_ITEMS - 1, TWO_THREADS_MIN_ITEMS, 9, 10] {
            let items: Vec<usize> = (0..count).collect();
            let threads = std::sync::Mutex::new(Vec::new());
            let mut built = Vec::new();
            let build = |item: &usize| {
                let mut threads = threads.lock().expect("lock");
                let thread = std::thread::current().id();
                if !threads.contains(&thread) {
                    threads.push(thread);
                }
                item * 2
            };
            for_each_on_two_threads(&items, build, |item| built.push(item));
            assert_eq!(built, items.iter().map(|item| item * 2).collect::<Vec<_>>(), "{count} items");
            let expected_threads = if count >= TWO_THREADS_MIN_ITEMS { 2 } else { count.min(1) };
            assert_eq!(threads.lock().expect("lock").len(), expected_threads, "{count} items");
        }
    }

    #[test]
    fn chunks_are_taken_in_order_whichever_thread_built_them() {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let wait_until = |done: &dyn Fn() -> bool| {
            let waiting = std::time::Instant::now();
            while !done() && waiting.elapsed() < std::time::Duration::from_secs(10) {
                std::thread::sleep(std::time::Duration::from_micros(100));
            }
        };
        for count in [0, 1, TWO_THREADS_MIN_ITEMS - 1, TWO_THREADS_MIN_ITEMS, 10, 31] {
            let items: Vec<usize> = (0..count).collect();
            let main_thread = std::thread::current().id();
            let (helper_started, built_here, built_elsewhere) = (AtomicBool::new(false), AtomicUsize::new(0), AtomicUsize::new(0));
            // However the threads are scheduled, both build some items; and from three chunks on, this thread
            // builds the first and the third while the helper holds the second, so that the chunks come back
            // out of order and must be put back in order.
            let build = |item: &usize| {
                if std::thread::current().id() == main_thread {
                    if count >= TWO_THREADS_MIN_ITEMS {
                        wait_until(&|| helper_started.load(Ordering::SeqCst));
                    }
                    built_here.fetch_add(1, Ordering::SeqCst);
                } else {
                    if !helper_started.swap(true, Ordering::SeqCst) && count >= 3 * CHUNK_ITEMS {
                        wait_until(&|| built_here.load(Ordering::SeqCst) > CHUNK_ITEMS);
                    }
                    built_elsewhere.fetch_add(1, Ordering::SeqCst);
                }
                item * 2
            };
            let mut built = Vec::new();
            for_each_in_chunks_on_two_threads(&items, build, |item| built.push(item));
            assert_eq!(built, items.iter().map(|item| item * 2).collect::<Vec<_>>(), "{count} items");
            let elsewhere = built_elsewhere.into_inner();
            if count >= TWO_THREADS_MIN_ITEMS {
                assert!(elsewhere > 0 && elsewhere < count, "{count} items, {elsewhere} built by the helper");
            } else {
                assert_eq!(elsewhere, 0, "{count} items");
            }
        }
    }
}
