//! Fuzz target: any bytes as a project catalogue (`catalogues/<tag>.toml`, from another state,
//! so hostile): `catalogue::parse` never panics and stays within its bounds, and a catalogue it
//! accepts formats every kind of message (with counts, bounds and a hostile label) without a
//! panic, in a left-to-right and a right-to-left language.
#![no_main]

use formwerk::catalogue;
use formwerk::runtime::messages::Kind;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    for lang in ["hsb", "ar"] {
        let Ok(texts) = catalogue::parse(lang, source) else { continue };
        let entries = catalogue::entries(&texts);
        let runtime = catalogue::runtime(lang, &entries);
        let _ = catalogue::is_right_to_left(&texts);
        let unit: formwerk::runtime::messages::Text = [(lang.to_string(), "m²".to_string())].into();
        let kinds = [
            Kind::Required(None),
            Kind::Hidden,
            Kind::UnknownProperty,
            Kind::Empty,
            Kind::MinLength(1),
            Kind::MaxLength(2),
            Kind::Minimum("0".into(), unit.clone()),
            Kind::Maximum("10".into(), unit),
            Kind::Decimals(1),
            Kind::Decimals(2),
            Kind::MinItems(1),
            Kind::MaxItems(3),
            Kind::FileType(vec!["application/pdf".into(), ".jpg".into()]),
            Kind::FileSize(1_048_576),
            Kind::NotConfirmed(None),
            Kind::Malformed("{label} {n} }{".into()),
        ];
        for kind in &kinds {
            let message = kind.message(&runtime, "Name {n} „x“: ");
            assert!(message.len() < 64 * 1024, "a message stays bounded by the catalogue's limits");
        }
    }
});
