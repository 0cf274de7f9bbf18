//! Fault injection for the crash tests of the output writer, in debug builds only.
//!
//! `FORMWERK_FAULT_AT=n` kills the process with SIGKILL (no destructors, no cleanup)
//! instead of performing its n-th file-system mutation of the output directory, so
//! a test can kill a build at every write and rename in turn. `FORMWERK_FAULT_DELAY_MS=k`
//! sleeps before each mutation, so a test can hold a build in the middle of its writes.
//! Release builds compile [`before_mutation`] to nothing and never read either variable.

#[cfg(debug_assertions)]
mod enabled {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;

    struct Plan {
        abort_at: Option<u64>,
        delay: Option<std::time::Duration>,
    }

    fn plan() -> &'static Plan {
        static PLAN: OnceLock<Plan> = OnceLock::new();
        PLAN.get_or_init(|| {
            let number = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok());
            Plan {
                abort_at: number("FORMWERK_FAULT_AT"),
                delay: number("FORMWERK_FAULT_DELAY_MS").map(std::time::Duration::from_millis),
            }
        })
    }

    /// Dies as a SIGKILL kills: at once, leaving the file system as it is.
    fn kill_self() -> ! {
        #[cfg(unix)]
        // SAFETY: `kill` on the own process id has no memory-safety preconditions.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
        std::process::abort()
    }

    pub fn before_mutation() {
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let plan = plan();
        if let Some(delay) = plan.delay {
            std::thread::sleep(delay);
        }
        let n = COUNT.fetch_add(1, Ordering::SeqCst) + 1;
        if plan.abort_at == Some(n) {
            kill_self();
        }
    }
}

/// Called before every file-system mutation of the output directory.
#[inline]
pub fn before_mutation() {
    #[cfg(debug_assertions)]
    enabled::before_mutation();
}
