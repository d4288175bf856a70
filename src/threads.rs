//! Work split over two threads where a large blueprint has many independent items: its clients are decoded,
//! their parts of the model built, and its policies measured against AWS's limits, in two halves.

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
}
