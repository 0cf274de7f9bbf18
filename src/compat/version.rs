//! Version discipline: a breaking change needs a new major version, any change a new version,
//! and a version never goes down. Versions are read as semantic versions (`MAJOR.MINOR.PATCH`,
//! missing parts are 0, a pre-release or build suffix is ignored); a version that is not one
//! is compared as text, so any breaking change without a different text is reported.

use std::cmp::Ordering;

use crate::ir::Form;

/// `(major, minor, patch)` of a semantic version, or `None`.
pub(super) fn semver(text: &str) -> Option<(u64, u64, u64)> {
    let core = text.split(['-', '+']).next()?;
    let mut parts = core.split('.');
    let mut next = || -> Option<u64> {
        match parts.next() {
            None => Some(0),
            Some(part) => part.parse().ok(),
        }
    };
    let version = (next()?, next()?, next()?);
    parts.next().is_none().then_some(version)
}

/// The version findings, as `(rule, message)`; `breaking` says whether the other findings hold
/// an error that is not ignored.
pub(super) fn discipline(old: &Form, new: &Form, breaking: bool) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let (o, n) = (&old.version, &new.version);
    if o == n {
        let mut same = new.clone();
        same.version = old.version.clone();
        if same != *old {
            out.push(("version-unchanged", format!("the form changed but its version is still {o}")));
        }
        if breaking {
            out.push(("major-not-bumped", format!("breaking changes need a new major version (still {o})")));
        }
        return out;
    }
    let order = match (semver(o), semver(n)) {
        (Some(a), Some(b)) => Some(b.cmp(&a)),
        _ => None,
    };
    if order == Some(Ordering::Less) {
        out.push(("version-decreased", format!("the version went down from {o} to {n}")));
    }
    if breaking {
        let bumped = matches!((semver(o), semver(n)), (Some(a), Some(b)) if b.0 > a.0);
        if !bumped {
            out.push(("major-not-bumped", format!("breaking changes need a new major version ({o} → {n})")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::semver;

    #[test]
    fn versions_read_as_semver() {
        assert_eq!(semver("1.2.3"), Some((1, 2, 3)));
        assert_eq!(semver("2.0"), Some((2, 0, 0)));
        assert_eq!(semver("3"), Some((3, 0, 0)));
        assert_eq!(semver("1.0.0-rc.1"), Some((1, 0, 0)));
        assert_eq!(semver("1.x"), None);
        assert_eq!(semver("1.2.3.4"), None);
    }
}
