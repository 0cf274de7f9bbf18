//! The C ABI of the WebAssembly module, which `formwerk.mjs` calls: memory for the input, one
//! call that validates a submission by one of the module's forms on a given day, and the output
//! of the last call (UTF-8 JSON) read from the module's memory. Copied verbatim by Formwerk.

use std::sync::{Mutex, PoisonError};

use ::forms::runtime::check::Report;
use ::forms::runtime::date::Date;
use ::forms::runtime::walk;

/// The output of the last call, readable until the next one.
static OUTPUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());

fn set_output(bytes: Vec<u8>) {
    *OUTPUT.lock().unwrap_or_else(PoisonError::into_inner) = bytes;
}

/// The report of `bytes` by the form `form` on `today`; `Err` says why there is none.
fn report(form: &str, bytes: &[u8], today: u32) -> Result<Report, String> {
    let plan = crate::plan(form).ok_or_else(|| format!("this module has no form `{form}`"))?;
    let (year, month, day) = (today / 10_000, (today / 100) % 100, today % 100);
    let today = Date::new(year as i32, month as u8, day as u8)
        .ok_or_else(|| format!("today is not a date of the form yyyymmdd: {today}"))?;
    // The whole report: a valid submission may have warnings.
    Ok(walk::report(plan, bytes, today))
}

/// `len` bytes of the module's memory for the caller to fill; freed with [`formwerk_free`].
#[no_mangle]
pub extern "C" fn formwerk_alloc(len: usize) -> *mut u8 {
    std::mem::ManuallyDrop::new(Vec::<u8>::with_capacity(len)).as_mut_ptr()
}

/// Frees memory from [`formwerk_alloc`].
///
/// # Safety
/// `ptr` and `len` are those of one call of `formwerk_alloc`, and it is freed once.
#[no_mangle]
pub unsafe extern "C" fn formwerk_free(ptr: *mut u8, len: usize) {
    drop(unsafe { Vec::from_raw_parts(ptr, 0, len) });
}

/// Where the output of the last call starts in the module's memory.
#[no_mangle]
pub extern "C" fn formwerk_output_ptr() -> *const u8 {
    OUTPUT.lock().unwrap_or_else(PoisonError::into_inner).as_ptr()
}

/// How many bytes the output of the last call has.
#[no_mangle]
pub extern "C" fn formwerk_output_len() -> usize {
    OUTPUT.lock().unwrap_or_else(PoisonError::into_inner).len()
}

/// Outputs the ids of the module's forms as a JSON array.
#[no_mangle]
pub extern "C" fn formwerk_forms() {
    set_output(serde_json::to_vec(crate::FORMS).unwrap_or_default());
}

/// Validates the submission `bytes` (a JSON text in UTF-8, any bytes) by the form `form` on the
/// day `today` (`yyyymmdd`, e.g. `20260615`). Returns 0 and outputs the report as JSON
/// (`{"violations": [...]}`, empty when the submission is valid, with `"warnings": [...]` when a
/// rule of `severity warning` fails), or returns 1 and outputs why
/// there is no report (no such form in this module, or `today` is no date).
///
/// # Safety
/// `form` and `bytes` point to `form_len` and `bytes_len` readable bytes (anything when the
/// length is 0).
#[no_mangle]
pub unsafe extern "C" fn formwerk_validate(
    form: *const u8,
    form_len: usize,
    bytes: *const u8,
    bytes_len: usize,
    today: u32,
) -> u32 {
    let form = String::from_utf8_lossy(unsafe { slice(form, form_len) });
    match report(&form, unsafe { slice(bytes, bytes_len) }, today) {
        Ok(report) => {
            set_output(serde_json::to_vec(&report).unwrap_or_default());
            0
        }
        Err(why) => {
            set_output(why.into_bytes());
            1
        }
    }
}

/// The `len` bytes at `ptr`.
///
/// # Safety
/// As [`formwerk_validate`]'s arguments.
unsafe fn slice<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }
}
