//! The probe a loaded theme is rendered into: one page with every partial in its richest state
//! (each node kind with hint, info, error, value and options; a group, a repeat with an item and
//! buttons; a summary and a notice), as a page and as a fragment. Whatever the allowlist scan or
//! strict mode refuses is reported when the theme is loaded, with the file that causes it: each
//! of the theme's partials is tried alone over the built-in ones.
//!
//! The probe is for early, attributable errors only; what protects a page is the scan that runs
//! on every render (`render.rs`).

use super::Theme;
use crate::emit::html::error::Error;
use crate::emit::html::render::{Failure, Renderer};
use crate::emit::html::view::{
    Button, Choice, Hint, Link, Node, Page, Part, RepeatItem, Step, Summary, Uploaded, Warnings,
};

/// Renders `theme` into the probe page and fragment; a failure names the partial that causes it.
pub fn check(theme: &Theme) -> Result<(), Error> {
    let page = page();
    let render = |candidate: &Theme| -> Result<(), String> {
        let renderer = Renderer::new(candidate).map_err(|error| error.message)?;
        for fragment in [false, true] {
            renderer.render_checked(&page, fragment).map_err(|failure| match failure {
                Failure::Render(message) => message,
                Failure::Refused { refusal, excerpt } => {
                    format!("{}, in the probe page: `{excerpt}`", refusal.message)
                }
            })?;
        }
        Ok(())
    };
    let Err(message) = render(theme) else { return Ok(()) };
    for name in theme.partials.keys() {
        let own_only = theme.partials.iter().filter(|(own, _)| *own == name);
        let alone = Theme { partials: own_only.map(|(k, v)| (k.clone(), v.clone())).collect(), ..theme.clone() };
        if let Err(own) = render(&alone) {
            return Err(Error::new(&theme.name, format!("`{name}.hbs`: {own}")));
        }
    }
    Err(Error::new(&theme.name, format!("the partials together: {message}")))
}

fn hint(id: &str, suffix: &str, text: &str) -> Option<Hint> {
    Some(Hint { id: format!("{id}-{suffix}"), text: text.to_string() })
}

fn button(id: &str, value: &str, label: &str, primary: bool) -> Button {
    Button { id: id.to_string(), value: value.to_string(), label: label.to_string(), primary, describedby: None }
}

fn choices(id: &str) -> Vec<Choice> {
    ["a", "b"]
        .iter()
        .enumerate()
        .map(|(index, code)| Choice {
            group: None,
            group_id: None,
            group_end: false,
            id: if index == 0 { id.to_string() } else { format!("{id}-{}", index + 1) },
            value: code.to_string(),
            label: format!("Option {code}"),
            checked: index == 0,
            required: true,
            controls: Some("probe-bereich".to_string()),
            autofocus: false,
        })
        .collect()
}

/// A field node of `partial` with everything set.
fn field(partial: &'static str, id: &str) -> Node {
    Node {
        partial,
        id: id.to_string(),
        name: id.to_string(),
        label: format!("Probe {id}"),
        optional: true,
        hint: hint(id, "hinweis", "Hinweis"),
        info: hint(id, "info", "Info"),
        error: hint(id, "fehler", "Fehler"),
        describedby: Some(format!("{id}-hinweis {id}-info {id}-fehler")),
        required: true,
        invalid: true,
        value: "Wert \"<>&'".to_string(),
        input_type: "text",
        autocomplete: Some("given-name".to_string()),
        inputmode: Some("numeric"),
        spellcheck: Some("false"),
        autocapitalize: Some("characters"),
        width: Some("width_10"),
        suffix: Some("€".to_string()),
        accept: Some(".pdf".to_string()),
        placeholder_option: Some("Bitte auswählen".to_string()),
        inline: true,
        controls: Some("probe-bereich".to_string()),
        autofocus: true,
        text: "Text".to_string(),
        panel: Some(format!("{id}-bereich")),
        target: id.to_string(),
        ..Node::default()
    }
}

fn page() -> Page {
    let mut nodes: Vec<Node> = ["text", "money", "output", "textarea", "checkbox", "select", "info"]
        .iter()
        .map(|kind| field(kind, kind))
        .collect();
    for kind in ["radios", "checkboxes"] {
        nodes.push(Node { options: choices(kind), ..field(kind, kind) });
    }
    let parts = ["tag", "monat", "jahr"]
        .iter()
        .map(|part| Part {
            id: format!("date-{part}"),
            name: format!("date[{part}]"),
            label: part.to_string(),
            value: "1".to_string(),
            autocomplete: Some("bday-day".to_string()),
            width: "width_2",
            invalid: true,
            autofocus: false,
        })
        .collect();
    nodes.push(Node { parts, ..field("date", "date") });
    nodes.push(Node {
        uploaded: Some(Uploaded {
            text: "Hochgeladen: a.pdf".to_string(),
            fields: vec![("file[name]".to_string(), "a.pdf".to_string())],
            remove: button("file-entfernen", "datei-entfernen:file", "Datei entfernen", false),
        }),
        ..field("file", "file")
    });
    nodes.push(Node {
        multiple: true,
        uploads: vec![Uploaded {
            text: "Hochgeladen: b.pdf".to_string(),
            fields: vec![("files[0][name]".to_string(), "b.pdf".to_string())],
            remove: button("files-0-entfernen", "datei-entfernen:files-0", "Datei b.pdf entfernen", false),
        }],
        ..field("file", "files")
    });
    let children = vec![field("text", "group-text")];
    nodes.push(Node { children, heading_level: 3, ..field("group", "group") });
    let item = RepeatItem {
        id: "repeat-0".to_string(),
        legend: "Eintrag 1".to_string(),
        nodes: vec![field("text", "repeat-0-text")],
        error: hint("repeat-0", "fehler", "Fehler"),
        describedby: Some("repeat-0-fehler".to_string()),
        remove: Some(button("repeat-0-entfernen", "entfernen:repeat:0", "Eintrag 1 entfernen", false)),
    };
    // An item at the repeat's minimum has no remove button: a theme must render it too.
    let kept = RepeatItem {
        id: "repeat-1".to_string(),
        legend: "Eintrag 2".to_string(),
        nodes: vec![field("text", "repeat-1-text")],
        error: None,
        describedby: None,
        remove: None,
    };
    nodes.push(Node {
        items: vec![item, kept],
        add: Some(button("repeat-hinzufuegen", "hinzufuegen:repeat", "Eintrag hinzufügen", false)),
        limit: Some("Höchstens 5".to_string()),
        heading_level: 3,
        ..field("repeat", "repeat")
    });
    Page {
        lang: "de".to_string(),
        // Right to left, so that a theme is also tried on the attribute a right-to-left page has.
        rtl: true,
        optional_text: "(optional)".to_string(),
        error_prefix: "Fehler:".to_string(),
        title: "Probe".to_string(),
        heading: "Probe".to_string(),
        caption: Some("Schritt 1 von 2".to_string()),
        description: Some("Beschreibung".to_string()),
        form_id: "formular-probe".to_string(),
        multipart: true,
        novalidate: true,
        summary: Some(Summary {
            id: "fehlerzusammenfassung".to_string(),
            title_id: "fehlerzusammenfassung-titel".to_string(),
            title: "Es gibt ein Problem".to_string(),
            links: vec![Link { href: "#text".to_string(), text: "Fehler".to_string() }],
        }),
        warnings: Some(Warnings {
            id: "hinweiszusammenfassung".to_string(),
            title_id: "hinweiszusammenfassung-titel".to_string(),
            title: "Bitte prüfen Sie Ihre Angaben".to_string(),
            intro: "Einige Angaben sind ungewöhnlich.".to_string(),
            links: vec![Link { href: "#text".to_string(), text: "Hinweis".to_string() }],
            fingerprint: "0123456789abcdef".to_string(),
        }),
        notice: Some("Eintrag 2 wurde entfernt.".to_string()),
        hidden_primary: Some(button("aktion-weiter-standard", "weiter", "Weiter", true)),
        steps: vec![Step {
            id: "schritt-1".to_string(),
            heading: Some("Schritt 1".to_string()),
            heading_level: 2,
            hint: hint("schritt-1", "hinweis", "Hinweis"),
            nodes,
        }],
        buttons: vec![button("aktion-weiter", "weiter", "Weiter", true), button("aktion-zurueck", "zurueck", "Zurück", false)],
        reveal_css: "@supports selector(:has(*)) {\n  #formular-probe:not(:is(:has(#radios:checked))) #text-bereich { display: none; }\n}"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_themes_pass_the_probe() {
        for name in ["default", "kern"] {
            let theme = Theme::builtin(name).unwrap();
            assert_eq!(check(&theme), Ok(()), "{name}");
            let html = Renderer::new(&theme).unwrap().render(&page(), false).unwrap();
            for partial in [
                "type=\"radio\"",
                "type=\"checkbox\"",
                "<select",
                "<textarea",
                "type=\"file\"",
                "<fieldset",
                "<section",
                "Hochgeladen",
                "fehlerzusammenfassung",
            ] {
                assert!(html.contains(partial), "{name}: the probe should render {partial}");
            }
        }
    }
}
