//! Prints the JSON Schema of the form `meldung`, which `build.rs` generated from `forms/`.

/// The schema, embedded at compile time from the build script's output.
const SCHEMA: &str = include_str!(concat!(env!("OUT_DIR"), "/formwerk/json-schema/meldung.schema.json"));

fn main() {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    println!("{}", schema["$id"].as_str().unwrap_or_default());
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_schema_is_the_forms() {
        let schema: serde_json::Value = serde_json::from_str(super::SCHEMA).unwrap();
        assert!(schema["$id"].as_str().unwrap().ends_with("/meldung/1.0.0/schema.json"));
        assert!(schema["properties"]["name"].is_object());
    }
}
