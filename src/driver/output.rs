//! The output directory of a build, written so that every outcome is all-old or all-new,
//! even if the process is killed at any instant.
//!
//! Everything a build needs while writing lives in `<out>/.formwerk-staging/`: inside
//! `--out`, so on the same file system even when `--out` is a mount point, and no write
//! access is needed anywhere but `--out`.
//!
//! - `new/` holds the new generation: every file is written as the build makes it
//!   ([`OutputDir::stage`], [`Staging::write`]); before the journal, all of it is made durable:
//!   on Linux's local file systems by one `syncfs`, elsewhere by an fsync of every file and then
//!   every directory (the files on many threads at once, so that their flushes overlap).
//! - `journal` lists the entries of `<out>` to replace. It is written last (temporary file,
//!   fsync, rename, fsync): once it exists, the new generation is complete and committed.
//! - `old/` receives each replaced entry until the staging directory is removed.
//!
//! Committing rolls the journal forward: per entry, the current one is renamed into `old/`
//! and the staged one into its place. Each step can be repeated after a crash, so a build
//! killed half-way is finished by the next one, which first recovers: with a journal it
//! rolls forward, without one it discards the staging directory; either way no leftovers
//! remain. A build holds an exclusive `flock` on `<out>` itself from before recovery until
//! the staging directory is gone (the kernel releases it when the process dies), so two
//! builds never write at once: the second waits.
//!
//! Every mutation goes through the functions at the end, which call `fault::before_mutation`
//! so that the crash tests can kill the process at each one in turn.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use super::{fault, io_error, DriverError};
use crate::emit::OutputFile;
use crate::files;

/// The staging directory's name inside `--out`.
pub const STAGING: &str = ".formwerk-staging";
const JOURNAL: &str = "journal";
const JOURNAL_TEMPORARY: &str = "journal.tmp";

/// What is at a path directly under `--out`, looked at without following a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existing {
    Absent,
    Directory {
        empty: bool,
    },
    File,
    /// Anything Formwerk never replaces, in words: "a symbolic link", "a mount point", …
    Other(&'static str),
}

/// `--out`, locked against other builds and recovered from killed ones.
pub struct OutputDir {
    path: PathBuf,
    /// Holds the `flock` until dropped.
    _lock: Lock,
}

impl OutputDir {
    /// Creates `path` if `create` and it is missing, waits for the lock (calling `on_wait`
    /// first if another build holds it), and recovers what a killed build left.
    /// `Ok(None)`: `path` does not exist and `create` is false.
    pub fn open(path: &Path, create: bool, on_wait: impl FnOnce()) -> Result<Option<OutputDir>, DriverError> {
        match std::fs::symlink_metadata(path) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                return Err(DriverError {
                    message: format!(
                        "the output directory `{}` is a symbolic link; Formwerk does not follow links (name the directory it points to)",
                        path.display()
                    ),
                })
            }
            Ok(metadata) if !metadata.is_dir() => {
                return Err(DriverError {
                    message: format!("the output directory `{}` is a file, not a directory", path.display()),
                })
            }
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                if !create {
                    return Ok(None);
                }
                fault::before_mutation();
                std::fs::create_dir_all(path).map_err(|e| io_error("create", path, e))?;
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    sync_dir(parent).map_err(|e| io_error("sync", parent, e))?;
                }
            }
            Err(error) => return Err(io_error("read", path, error)),
        }
        let lock = Lock::acquire(path, on_wait)?;
        let dir = OutputDir { path: path.to_path_buf(), _lock: lock };
        dir.recover()?;
        Ok(Some(dir))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What is at `<out>/<name>`. A directory on another file system (a mount point) or one
    /// this process may not change counts as something else: it cannot be replaced.
    pub fn existing(&self, name: &str) -> Existing {
        let path = self.path.join(name);
        let Ok(metadata) = std::fs::symlink_metadata(&path) else {
            return Existing::Absent;
        };
        let file_type = metadata.file_type();
        if file_type.is_symlink() {
            return Existing::Other("a symbolic link");
        }
        if !same_device(&self.path, &metadata) {
            return Existing::Other("a mount point (another file system)");
        }
        if file_type.is_file() {
            return Existing::File;
        }
        if !file_type.is_dir() {
            return Existing::Other("a special file");
        }
        if !may_change(&path) {
            return Existing::Other("a directory without write permission");
        }
        let empty = std::fs::read_dir(&path).map(|mut entries| entries.next().is_none()).unwrap_or(false);
        Existing::Directory { empty }
    }

    /// The bytes of the regular file `<out>/<name>`, if there is one.
    pub fn read(&self, name: &str) -> Result<Option<Vec<u8>>, DriverError> {
        let path = self.path.join(name);
        match files::read_regular(&path, files::MAX_SOURCE_BYTES) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(files::FileProblem::Missing) => Ok(None),
            Err(problem) => Err(DriverError { message: problem.describe(&path.display().to_string()) }),
        }
    }

    /// Starts a new generation that replaces the directories `directories` (and the
    /// top-level files written into it): its files go into the staging directory as they are
    /// made ([`Staging::write`]), and nothing in `<out>` changes before [`OutputDir::commit`].
    pub fn stage(&self, directories: &[&str]) -> Result<Staging, DriverError> {
        let root = self.path.join(STAGING);
        let mut staging = Staging {
            new: root.join("new"),
            root,
            single_files: false,
            handle: None,
            state: Mutex::new(StagingState {
                entries: directories.iter().map(|d| d.to_string()).collect(),
                ..StagingState::default()
            }),
        };
        let started = (|| {
            let state = staging.state.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner());
            for dir in [staging.root.clone(), staging.new.clone(), staging.root.join("old")] {
                create_dir(&dir)?;
                state.created.insert(dir);
            }
            // Without it, the files are synced one by one.
            staging.handle = std::fs::File::open(&staging.root).ok();
            for directory in directories {
                let dir = staging.new.join(directory);
                create_dir(&dir)?;
                state.created.insert(dir);
            }
            Ok(())
        })();
        match started {
            Ok(()) => Ok(staging),
            Err(error) => {
                self.abandon(staging);
                Err(error)
            }
        }
    }

    /// Starts a change of single files of the current generation (an incremental build): each
    /// file written ([`Staging::write`], at any depth) is a journal entry of its own, and
    /// nothing else in `<out>` changes.
    pub fn stage_files(&self) -> Result<Staging, DriverError> {
        let mut staging = self.stage(&[])?;
        staging.single_files = true;
        Ok(staging)
    }

    /// Replaces the private file `<out>/<name>` (a hidden name, never part of a generation,
    /// such as the build cache) through a temporary file and a rename.
    pub fn write_private(&self, name: &str, contents: &[u8]) -> Result<(), DriverError> {
        debug_assert!(name.starts_with('.') && !name.contains('/'));
        let temporary = self.path.join(format!("{name}.tmp"));
        let _ = std::fs::remove_file(&temporary);
        write_new_file(&temporary, contents)?;
        rename(&temporary, &self.path.join(name))?;
        sync_dir(&self.path).map_err(|e| io_error("sync", &self.path, e))
    }

    /// Commits a staged generation: makes it durable, writes the journal, and rolls it
    /// forward. Until the journal exists, a crash leaves the old generation.
    pub fn commit(&self, staging: Staging) -> Result<(), DriverError> {
        let state = staging.state.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        let handle = staging.handle;
        let staging = (staging.root, state);
        let committed = (|| {
            let (root, state) = &staging;
            // Every staged file and directory is durable before the journal is written.
            sync_staged(root, handle.as_ref(), state)?;
            let journal = serde_json::json!({ "formwerk_journal": 1, "entries": state.entries });
            let mut contents = serde_json::to_vec_pretty(&journal).unwrap_or_default();
            contents.push(b'\n');
            write_new_file(&root.join(JOURNAL_TEMPORARY), &contents)?;
            rename(&root.join(JOURNAL_TEMPORARY), &root.join(JOURNAL))?;
            sync_dir(root).map_err(|e| io_error("sync", root, e))
        })();
        if let Err(error) = committed {
            let _ = remove_tree(&staging.0);
            return Err(error);
        }
        self.recover()
    }

    /// Discards a staged generation that will not be committed: the old one stays (should
    /// removing fail, the next build discards it).
    pub fn abandon(&self, staging: Staging) {
        let _ = remove_tree(&staging.root);
    }

    /// Finishes or discards what a build left in the staging directory, then removes it.
    fn recover(&self) -> Result<(), DriverError> {
        let staging = self.path.join(STAGING);
        let metadata = match std::fs::symlink_metadata(&staging) {
            Ok(metadata) => metadata,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(io_error("read", &staging, error)),
        };
        if metadata.is_dir() && exists(&staging.join(JOURNAL)) {
            self.roll_forward(&staging)?;
            remove_file(&staging.join(JOURNAL))?;
            sync_dir(&staging).map_err(|e| io_error("sync", &staging, e))?;
        }
        remove_tree(&staging)?;
        sync_dir(&self.path).map_err(|e| io_error("sync", &self.path, e))
    }

    /// Moves each journal entry that is still staged into place, the current one into `old/`.
    fn roll_forward(&self, staging: &Path) -> Result<(), DriverError> {
        let journal_path = staging.join(JOURNAL);
        let damaged = || DriverError {
            message: format!(
                "the journal `{}` of an interrupted build is damaged; remove `{}` by hand",
                journal_path.display(),
                staging.display()
            ),
        };
        let bytes = files::read_regular(&journal_path, 1024 * 1024).map_err(|_| damaged())?;
        let journal: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| damaged())?;
        let entries = journal["entries"].as_array().ok_or_else(damaged)?;
        let mut names = Vec::new();
        for entry in entries {
            let name = entry.as_str().ok_or_else(damaged)?;
            // A plain relative path below `--out`, outside the staging directory.
            if name.starts_with('.') || safe_relative(name).is_none() {
                return Err(damaged());
            }
            names.push(name);
        }
        let old = staging.join("old");
        for (index, name) in names.into_iter().enumerate() {
            let staged = staging.join("new").join(name);
            if !exists(&staged) {
                continue;
            }
            let current = self.path.join(name);
            let parent = current.parent().unwrap_or(&self.path).to_path_buf();
            // First: no directory on the way may be a link, or a rename would leave `<out>`.
            self.make_parents(name)?;
            if exists(&current) {
                if !exists(&old) {
                    create_dir(&old)?;
                }
                // Numbered, so that an entry at any depth needs no directories in `old/`.
                let moved = old.join(index.to_string());
                remove_tree(&moved)?;
                rename(&current, &moved)?;
            }
            rename(&staged, &current)?;
            sync_dir(&parent).map_err(|e| io_error("sync", &parent, e))?;
        }
        Ok(())
    }

    /// Makes the missing directories above the entry `name` of `<out>`; each existing one must
    /// be a directory, not a link, so that no rename can leave `<out>`.
    fn make_parents(&self, name: &str) -> Result<(), DriverError> {
        let mut dir = self.path.clone();
        let components: Vec<_> = Path::new(name).components().collect();
        for component in &components[..components.len().saturating_sub(1)] {
            dir.push(component);
            match std::fs::symlink_metadata(&dir) {
                Ok(metadata) if metadata.is_dir() && !metadata.file_type().is_symlink() => {}
                Ok(_) => {
                    return Err(DriverError {
                        message: format!(
                            "cannot write below `{}`: it is not a directory (a link or a file); move it away and build again",
                            dir.display()
                        ),
                    })
                }
                Err(_) => {
                    create_dir(&dir)?;
                    let parent = dir.parent().unwrap_or(&self.path).to_path_buf();
                    sync_dir(&parent).map_err(|e| io_error("sync", &parent, e))?;
                }
            }
        }
        Ok(())
    }
}

/// A generation being written into `<out>/.formwerk-staging/new` ([`OutputDir::stage`]), from
/// any number of threads.
pub struct Staging {
    root: PathBuf,
    new: PathBuf,
    /// Whether each file written is an entry of its own ([`OutputDir::stage_files`]).
    single_files: bool,
    /// The staging directory, opened before anything is written into it (for `syncfs`).
    handle: Option<std::fs::File>,
    state: Mutex<StagingState>,
}

#[derive(Default)]
struct StagingState {
    /// The entries of `<out>` the journal replaces: the directories, and top-level files (or,
    /// for [`OutputDir::stage_files`], each file written).
    entries: Vec<String>,
    /// Every directory made, to be synced before the commit.
    created: BTreeSet<PathBuf>,
    /// Every file written, to be synced before the commit.
    written: Vec<PathBuf>,
}

impl Staging {
    /// Writes `files` into the new generation (each is synced by [`OutputDir::commit`]). A file
    /// must lie in one of the staged directories or directly under `<out>`.
    pub fn write(&self, files: &[OutputFile]) -> Result<(), DriverError> {
        for file in files {
            let path = safe_relative(&file.path).ok_or_else(|| DriverError {
                message: format!("internal error: the output path `{}` is not a plain relative path", file.path),
            })?;
            let first = path.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned());
            let first = first.unwrap_or_default();
            let path = self.new.join(&path);
            {
                let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let relative = Path::new(&file.path);
                if relative.components().count() == 1 || self.single_files {
                    if relative.components().count() > 1 && first.starts_with('.') {
                        return Err(DriverError { message: format!("internal error: `{}` is hidden", file.path) });
                    }
                    state.entries.push(file.path.clone());
                } else if !state.created.contains(&self.new.join(&first)) {
                    return Err(DriverError {
                        message: format!("internal error: `{}` is not in a directory this build replaces", file.path),
                    });
                }
                let ancestors: Vec<PathBuf> =
                    path.ancestors().skip(1).take_while(|a| *a != self.new).map(Path::to_path_buf).collect();
                for ancestor in ancestors.into_iter().rev() {
                    if !state.created.contains(&ancestor) {
                        create_dir(&ancestor)?;
                        state.created.insert(ancestor);
                    }
                }
            }
            write_staged_file(&path, &file.contents)?;
            self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).written.push(path);
        }
        Ok(())
    }
}

/// Makes everything staged durable: every file written and every directory made.
///
/// On Linux, where the file system is one whose `syncfs` is known to write and wait for all of
/// it (ext4, XFS, btrfs, tmpfs) and the kernel reports write-back errors from `syncfs` (5.8 and
/// later), one `syncfs` call does it. It replaces one `fsync` per file and per directory (17,000
/// for a catalogue of 2,000 forms, a quarter of a build's processor time in the kernel); it also
/// flushes what other processes wrote to that file system, (the build waits for that too).
///
/// Elsewhere the files are synced on many threads at once, then the directories deepest first
/// (every entry durable before the directory naming it). Not each file as it is written: one at
/// a time, each `fsync` waits for its own disk flush (about 3 ms on a virtual disk, half a
/// minute for a catalogue), while concurrent ones share flushes.
///
/// Either way nothing changes here, and the journal is written only after this returns: a
/// process killed before leaves no journal (the old generation stays), and after a power loss
/// the journal, if durable, names only entries that were durable before it.
fn sync_staged(root: &Path, handle: Option<&std::fs::File>, state: &StagingState) -> Result<(), DriverError> {
    if let Some(handle) = handle {
        if syncfs::sync_whole_file_system(handle).map_err(|e| io_error("sync", root, e))? {
            return Ok(());
        }
    }
    sync_files(&state.written)?;
    for dir in state.created.iter().rev() {
        sync_dir(dir).map_err(|e| io_error("sync", dir, e))?;
    }
    Ok(())
}

/// `syncfs(2)`, where it can stand for syncing each file (see [`sync_staged`]).
#[cfg(target_os = "linux")]
mod syncfs {
    use std::os::unix::io::AsRawFd;

    /// File systems (`statfs` magic numbers) whose `syncfs` writes back and waits for every
    /// dirty file and directory: ext2/3/4, XFS, btrfs, tmpfs (where nothing is to write).
    /// Not network or FUSE file systems, whose `syncfs` may return before the data is stored.
    const FILE_SYSTEMS: [u32; 4] = [0xef53, 0x5846_5342, 0x9123_683e, 0x0102_1994];

    /// Syncs the file system of `directory` (opened before anything was written, so that a
    /// write-back error since then is reported) in one call if that is as good as syncing each
    /// file; `Ok(false)`: it is not (another file system, an older kernel).
    pub fn sync_whole_file_system(directory: &std::fs::File) -> std::io::Result<bool> {
        if !kernel_reports_errors() {
            return Ok(false);
        }
        let fd = directory.as_raw_fd();
        // SAFETY: `statfs` is plain data, which `fstatfs` fills in for a descriptor that lives
        // for the call.
        let mut stat: libc::statfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstatfs(fd, &mut stat) } != 0 {
            return Ok(false);
        }
        // The field's type differs between architectures; the magic numbers are 32 bits.
        #[allow(clippy::unnecessary_cast)]
        let magic = stat.f_type as u32;
        if !FILE_SYSTEMS.contains(&magic) {
            return Ok(false);
        }
        // SAFETY: `syncfs` on a descriptor that lives for the call.
        if unsafe { libc::syncfs(fd) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(true)
    }

    /// Whether `syncfs` returns write-back errors (Linux 5.8 and later; before, it returned 0
    /// even when writing failed).
    fn kernel_reports_errors() -> bool {
        // SAFETY: `utsname` is plain data that `uname` fills in.
        let mut names: libc::utsname = unsafe { std::mem::zeroed() };
        if unsafe { libc::uname(&mut names) } != 0 {
            return false;
        }
        let release: Vec<u8> = names.release.iter().take_while(|c| **c != 0).map(|c| *c as u8).collect();
        at_least_5_8(&String::from_utf8_lossy(&release))
    }

    /// Whether a kernel release (`6.18.44-generic`) is 5.8 or later.
    pub(super) fn at_least_5_8(release: &str) -> bool {
        let mut numbers = release.split(|c: char| !c.is_ascii_digit()).map(|n| n.parse::<u32>().ok());
        match (numbers.next().flatten(), numbers.next().flatten()) {
            (Some(major), Some(minor)) => (major, minor) >= (5, 8),
            _ => false,
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod syncfs {
    pub fn sync_whole_file_system(_: &std::fs::File) -> std::io::Result<bool> {
        Ok(false)
    }
}

/// How many files are synced at once: `fsync` waits for the disk, not the processor.
const SYNC_THREADS: usize = 32;

/// Makes `files` durable, on [`SYNC_THREADS`] threads (no mutation: nothing changes).
fn sync_files(files: &[PathBuf]) -> Result<(), DriverError> {
    let synced = crate::parallel::map(SYNC_THREADS, files, |path| {
        std::fs::File::open(path).and_then(|file| file.sync_all()).map_err(|e| io_error("sync", path, e))
    });
    synced.into_iter().collect()
}

/// `path` as a relative path of plain names (no `..`, no root, no empty or hidden tricks).
fn safe_relative(path: &str) -> Option<PathBuf> {
    let relative = Path::new(path);
    let plain = !path.is_empty()
        && !path.contains(['\\', '\0'])
        && relative.components().all(|c| matches!(c, Component::Normal(_)))
        && path.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
    plain.then(|| relative.to_path_buf())
}

fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// The exclusive lock of one output directory: `flock` on the directory itself.
struct Lock {
    #[cfg(unix)]
    _file: std::fs::File,
}

impl Lock {
    #[cfg(unix)]
    fn acquire(dir: &Path, on_wait: impl FnOnce()) -> Result<Lock, DriverError> {
        use std::os::unix::fs::OpenOptionsExt;
        use std::os::unix::io::AsRawFd;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(dir)
            .map_err(|e| io_error("open", dir, e))?;
        let flock = |operation: libc::c_int| loop {
            // SAFETY: `flock` on a file descriptor this function owns.
            if unsafe { libc::flock(file.as_raw_fd(), operation) } == 0 {
                return Ok(());
            }
            let error = std::io::Error::last_os_error();
            if error.kind() != std::io::ErrorKind::Interrupted {
                return Err(error);
            }
        };
        if let Err(error) = flock(libc::LOCK_EX | libc::LOCK_NB) {
            if error.kind() != std::io::ErrorKind::WouldBlock {
                return Err(io_error("lock", dir, error));
            }
            on_wait();
            flock(libc::LOCK_EX).map_err(|e| io_error("lock", dir, e))?;
        }
        Ok(Lock { _file: file })
    }

    #[cfg(not(unix))]
    fn acquire(_: &Path, _: impl FnOnce()) -> Result<Lock, DriverError> {
        Ok(Lock {})
    }
}

#[cfg(unix)]
fn same_device(dir: &Path, metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir).is_ok_and(|d| d.dev() == metadata.dev())
}

#[cfg(not(unix))]
fn same_device(_: &Path, _: &std::fs::Metadata) -> bool {
    true
}

/// Whether this process may add and remove entries of the directory `path`.
#[cfg(unix)]
fn may_change(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `access` reads a NUL-terminated path that lives for the call.
    unsafe { libc::access(c_path.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
}

#[cfg(not(unix))]
fn may_change(_: &Path) -> bool {
    true
}

// The mutations: each first gives the crash tests their chance to kill the process.

fn create_dir(path: &Path) -> Result<(), DriverError> {
    fault::before_mutation();
    std::fs::create_dir(path).map_err(|e| io_error("create", path, e))
}

/// Creates `path` (which must not exist), writes `contents` and fsyncs it: two mutations,
/// so that a crash can also leave an empty file behind.
fn write_new_file(path: &Path, contents: &[u8]) -> Result<(), DriverError> {
    fault::before_mutation();
    let mut file =
        std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| io_error("create", path, e))?;
    fault::before_mutation();
    file.write_all(contents).and_then(|()| file.sync_all()).map_err(|e| io_error("write", path, e))
}

/// Creates `path` (which must not exist) and writes `contents`, to be synced later (by
/// [`sync_files`]): two mutations, like [`write_new_file`].
fn write_staged_file(path: &Path, contents: &[u8]) -> Result<(), DriverError> {
    fault::before_mutation();
    let mut file =
        std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| io_error("create", path, e))?;
    fault::before_mutation();
    file.write_all(contents).map_err(|e| io_error("write", path, e))
}

fn rename(from: &Path, to: &Path) -> Result<(), DriverError> {
    fault::before_mutation();
    std::fs::rename(from, to).map_err(|e| io_error("move", from, e))
}

fn remove_file(path: &Path) -> Result<(), DriverError> {
    fault::before_mutation();
    std::fs::remove_file(path).map_err(|e| io_error("remove", path, e))
}

/// Removes `path` and everything below it without following a link; nothing there is fine.
/// Iterative, so that no depth of nesting can exhaust the stack.
fn remove_tree(path: &Path) -> Result<(), DriverError> {
    let mut stack = vec![(path.to_path_buf(), false)];
    while let Some((current, emptied)) = stack.pop() {
        let metadata = match std::fs::symlink_metadata(&current) {
            Ok(metadata) => metadata,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(io_error("remove", &current, error)),
        };
        if !metadata.is_dir() {
            remove_file(&current)?;
        } else if emptied {
            fault::before_mutation();
            std::fs::remove_dir(&current).map_err(|e| io_error("remove", &current, e))?;
        } else {
            let entries = std::fs::read_dir(&current).map_err(|e| io_error("remove", &current, e))?;
            stack.push((current.clone(), true));
            for entry in entries {
                stack.push((entry.map_err(|e| io_error("remove", &current, e))?.path(), false));
            }
        }
    }
    Ok(())
}

/// Makes the entries of a directory durable (no mutation: nothing changes).
fn sync_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(path)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::syncfs::at_least_5_8;

    #[test]
    fn syncfs_needs_a_kernel_that_reports_write_back_errors() {
        for (release, expected) in [
            ("6.18.44-fc-v669", true),
            ("5.8.0", true),
            ("5.10.0-28-amd64", true),
            ("5.7.19", false),
            ("4.19.0", false),
            ("3.10.0-1160.el7.x86_64", false),
            ("", false),
            ("weird", false),
        ] {
            assert_eq!(at_least_5_8(release), expected, "{release}");
        }
    }
}
