//! The language tour in README.md is real: it checks without any diagnostic (with a small
//! `common.person` module, which the README assumes).

mod common;

#[test]
fn readme_tour_checks_clean() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let tour = readme.split("## A short tour of the language").nth(1).expect("the README has a tour");
    let code = tour.split("```").nth(1).expect("the tour has a code block");
    let fixture = format!(
        "//- /main.form\n{code}\n//- /common/person.form\ngroup Person \"Person\" en \"Person\" {{\n  field geburtsdatum: date \"Geburtsdatum\" en \"Date of birth\" required\n}}\n"
    );
    let (db, checked) = common::check_fixture(&fixture);
    assert!(checked.diagnostics.is_empty(), "{}", common::render_plain(&db, &checked));
    assert_eq!(checked.forms.len(), 1);
}
