//! Fuzz target: any posted form data, with the reference report or with a report made of the
//! posted pairs themselves (any pointer, any message), through the add/remove actions and
//! the renderers of both built-in themes (what `render_page`/`render_fragment` do, with the
//! templates compiled once) for every corpus form: never a panic, never an error, and every page
//! passes the allowlist scan.
#![no_main]

use std::sync::LazyLock;

use formwerk::emit::html::{self, Action, Input, Renderer, Scope, Theme};
use formwerk::validate::{Options, Report, Violation};
use formwerk::value::Date;

#[path = "shared/corpus.rs"]
mod corpus;

use corpus::{COMPILED, FORMS};

static THEMES: LazyLock<[Theme; 2]> =
    LazyLock::new(|| [Theme::default(), Theme::builtin("kern").expect("the KERN theme exists")]);

static RENDERERS: LazyLock<Vec<Renderer<'static>>> =
    LazyLock::new(|| THEMES.iter().map(|theme| Renderer::new(theme).expect("the built-in themes pass")).collect());

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let options = Options { today: Date::parse("2026-06-15").expect("a date") };
    let form_index = usize::from(selector) % FORMS.len();
    let (form, compiled) = (&FORMS[form_index], &COMPILED[form_index]);
    let renderer = &RENDERERS[usize::from(selector >> 3) % 2];
    let lang = if selector & 0x10 == 0 { "de" } else { "en" };
    let pairs = formwerk::formdata::parse_urlencoded(&String::from_utf8_lossy(rest));
    let mut values = formwerk::formdata::convert(compiled, &pairs, &options).submission;
    let (mut focus, mut notice) = (None, None);
    let action = pairs.iter().find(|(name, _)| name == "aktion").and_then(|(_, value)| Action::parse(value));
    if let Some(applied) = action.and_then(|action| html::apply(form, &values, &action, lang)) {
        values = applied.values;
        focus = applied.focus;
        notice = applied.notice;
    }
    let report = if selector & 0x20 == 0 {
        compiled.validate(&values, &options)
    } else {
        let violation = |(pointer, message): &(String, String)| Violation {
            pointer: pointer.clone(),
            code: "fuzz".to_string(),
            messages: [("de".to_string(), message.clone()), ("en".to_string(), message.clone())].into(),
        };
        Report { violations: pairs.iter().map(violation).collect(), warnings: Vec::new() }
    };
    let scope = if selector & 0x40 == 0 { Scope::All } else { Scope::Step(pairs.len() % (form.pages.len() + 1)) };
    let input = Input {
        lang,
        scope,
        values: &values,
        report: Some(&report),
        focus: focus.as_deref().or(pairs.first().map(|(_, v)| v.as_str())),
        notice: notice.as_deref().or(pairs.last().map(|(_, v)| v.as_str())),
    };
    let view = html::view(form, &input);
    for fragment in [false, true] {
        let page = renderer.render(&view, fragment).expect("the built-in themes render any input");
        assert_eq!(html::scan(&page), Ok(()));
    }
});
