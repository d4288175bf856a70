//! What the binaries, which use mimalloc, tell it. The library itself allocates through whatever allocator its
//! user chose; these settings only matter when that is mimalloc.

/// mimalloc's `mi_option_purge_delay` (`mimalloc.h`, v3), which the Rust binding does not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long, in milliseconds, mimalloc keeps freed memory before it returns it to the system.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Has mimalloc return freed memory to the system after 10 ms instead of its default second.
///
/// A 10,000-client build frees memory all along (each batch of the access matrix, each file once written), and
/// with a second's delay it held about 20 MiB more than it used: peaks of 120 to 133 MiB against the 128 MiB
/// target, 100 to 107 MiB with this, for a few hundredths of a second more in the kernel (book, "Performance").
/// Call it first thing in `main`, before the threads that allocate start.
pub fn return_freed_memory_promptly() {
    // SAFETY: mi_option_set only stores a number in mimalloc's option table (an atomic write); it has no
    // preconditions, and mimalloc reads the option each time it considers purging.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
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
        super::return_freed_memory_promptly();
        assert_eq!(purge_delay_ms(), super::PURGE_DELAY_MS);
        // SAFETY: as in return_freed_memory_promptly.
        unsafe { libmimalloc_sys::mi_option_set(super::MI_OPTION_PURGE_DELAY, before) }
    }
}
