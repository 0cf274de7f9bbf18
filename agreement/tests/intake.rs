//! From the intake to typed data: valid submissions of corpus forms stored as `formwerk serve`
//! stores them (`serve::Db::submit`, one transaction), exported as `formwerk submissions
//! export` writes them, and read by the generated crate's `from_json_on` into typed structs
//! that write back the same JSON. (`tests/serve.rs` drives the same intake over HTTP.)

mod common;

use formwerk::serve::{self, Db, New};
use formwerk::validate::{Compiled, Options};
use formwerk::value::Date;

macro_rules! intake_to_typed {
    ($($form:ident),* $(,)?) => {$(
        #[test]
        fn $form() {
            let form = common::corpus_form(stringify!($form));
            let compiled = Compiled::new(&form);
            let today = Date::parse("2026-06-15").unwrap();
            let options = Options { today };
            let examples: Vec<serde_json::Value> =
                formwerk::examples::generate(&compiled, 20, 0, 7, &options).into_iter().map(|e| e.submission).collect();
            assert_eq!(examples.len(), 20);

            let dir = tempfile::tempdir().unwrap();
            let db = Db::open(&dir.path().join("intake.sqlite")).unwrap();
            let session = db.new_session(600).unwrap();
            let mut references = Vec::new();
            for example in &examples {
                let report = serde_json::to_value(compiled.validate(example, &options)).unwrap();
                let new = New {
                    form: &form.id,
                    version: &form.version,
                    content_hash: "0000000000000000000000000000000000000000000000000000000000000000",
                    lang: "de",
                    data: example,
                    report: &report,
                    files: &[],
                };
                references.push(db.submit(&session.id, &new).unwrap());
            }
            let records = db.submissions(Some(stringify!($form))).unwrap();
            assert_eq!(records.iter().map(|r| r.reference.clone()).collect::<Vec<_>>(), references);

            let out = dir.path().join("export");
            assert_eq!(serve::export(&records, &dir.path().join("files"), &out).unwrap(), 20);
            for (reference, example) in references.iter().zip(&examples) {
                let bytes = std::fs::read(out.join(reference).join("submission.json")).unwrap();
                let typed = formwerk_forms::$form::from_json_on(&bytes, formwerk_forms::runtime::date::Date::parse("2026-06-15").unwrap())
                    .unwrap_or_else(|report| panic!("{report:?}\n{}", String::from_utf8_lossy(&bytes)));
                assert_eq!(&serde_json::to_value(&typed).unwrap(), example);
            }
        }
    )*};
}

intake_to_typed!(fuehrungszeugnis, hundesteuer);
