//! What the binaries, which use mimalloc, tell it. The library itself allocates through whatever allocator its
//! user chose; these settings only matter when that is mimalloc.

/// mimalloc's `mi_option_purge_delay` (`mimalloc.h`, v3), which the Rust binding does not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long, in milliseconds, mimalloc keeps freed memory before it returns it to the system.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Keeps a build's resident memory close to what it uses: freed memory goes back to the system after 10 ms, and
/// the kernel backs the heap with 4 KiB pages only (book, "Performance"). Call it first thing in `main`, before the
/// threads that allocate start.
pub fn keep_memory_low() {
    return_freed_memory_promptly();
    use_small_pages();
}

/// Has mimalloc return freed memory to the system after 10 ms instead of its default second.
///
/// A 10,000-client build frees memory all along (each batch of the access matrix, each file once written), and
/// with a second's delay it held about 20 MiB more than it used: peaks of 120 to 133 MiB against the 128 MiB
/// target, 100 to 107 MiB with this, for a few hundredths of a second more in the kernel.
fn return_freed_memory_promptly() {
    // SAFETY: mi_option_set only stores a number in mimalloc's option table (an atomic write); it has no
    // preconditions, and mimalloc reads the option each time it considers purging.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
}

/// Turns transparent huge pages off for the process.
///
/// mimalloc asks the kernel for 2 MiB pages for its arenas (`madvise`), and where the kernel honours that (Debian's
/// default) the first touch of a 2 MiB range zeroes and holds all of it; with prompt purging, ranges freed and used
/// again were zeroed again. A 10,000-client build held 100 to 108 MiB that way and 86 to 92 MiB without, in the
/// same time. Where the kernel refuses, pages stay as they were, which is only more memory.
fn use_small_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

#[cfg(test)]
mod tests {
    /// mimalloc's current purge delay, in milliseconds.
    fn purge_delay_ms() -> std::ffi::c_long {
        // SAFETY: as for mi_option_set, a read of the option table.
        unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) }
    }

    #[test]
    fn the_option_set_is_the_purge_delay() {
        // mimalloc v3 purges after 1,000 ms by default (options.c); reading that through the constant proves it
        // names the purge delay and not a neighbouring option. Tests run on one process, so set it back.
        let before = purge_delay_ms();
        assert_eq!(before, 1000, "the constant does not name mimalloc's purge delay, or its default changed");
        super::keep_memory_low();
        assert_eq!(purge_delay_ms(), super::PURGE_DELAY_MS);
        // SAFETY: as in return_freed_memory_promptly.
        unsafe { libmimalloc_sys::mi_option_set(super::MI_OPTION_PURGE_DELAY, before) }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn transparent_huge_pages_are_turned_off() {
        // Per process, so the other tests run without huge pages from here on, as the binaries do. Not through
        // keep_memory_low: the purge delay's test reads mimalloc's default meanwhile.
        super::use_small_pages();
        assert_eq!(rustix::thread::transparent_huge_pages_are_disabled().ok(), Some(true));
    }
}
