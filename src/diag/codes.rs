//! The one table of diagnostic codes: code, slug, severity, summary and long explanation.
//!
//! Codes are stable and never reused. `E01xx` syntax and structure, `E02xx` names and
//! imports, `E03xx` types, `E04xx` constraints, code lists and rules, `W00xx` warnings.
//! `formwerk explain CODE` prints the explanation, which always carries an example.

/// How bad a diagnostic is: errors fail `check` and `build`, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $slug:literal, $severity:ident, $explanation:literal; )*) => {
        /// Every kind of diagnostic Formwerk reports.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// All codes, in table order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable code, e.g. `E0201`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The kebab-case name of the problem, e.g. `unknown-name`.
            pub fn slug(self) -> &'static str {
                match self { $(Code::$variant => $slug,)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// The long explanation printed by `formwerk explain`.
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$variant => $explanation,)* }
            }
        }
    };
}

impl Code {
    /// Looks a code up by its code (`E0201`, case-insensitive) or its slug (`unknown-name`).
    pub fn parse(text: &str) -> Option<Code> {
        let text = text.trim();
        Code::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(text) || c.slug() == text)
    }
}

codes! {
    /// The text does not follow the grammar of the form language.
    SyntaxError = "E0101", "syntax-error", Error,
"The parser expected something else at this position.

The message lists what could come next. Common causes are a missing closing
brace, a label without quotes, or a keyword spelled differently.

Example:

    field vorname: text Vorname        // the label needs quotes

Fix:

    field vorname: text \"Vorname\"";

    /// A name contains letters outside ASCII.
    NonAsciiName = "E0102", "non-ascii-name", Error,
"Names of forms, fields, groups and code lists must use only the letters a-z,
A-Z, digits and `_`.

Names become JSON keys, HTML ids and Rust identifiers in every generated
artifact, and other systems must be able to use them unchanged. Labels may of
course contain any character.

Example:

    field straße: text \"Straße\"

Fix: transliterate the name (ä → ae, ö → oe, ü → ue, ß → ss):

    field strasse: text \"Straße\"";

    /// A statement appears where it has no meaning.
    MisplacedStatement = "E0103", "misplaced-statement", Error,
"This statement is not allowed in this place.

Each block accepts its own statements: a form accepts metadata, sections,
groups, fields, rules and code lists; a field accepts its label, hint and
constraints; a code list accepts `urn`, `version` and `code` entries; a
section may appear only directly inside a form.

Example:

    codelist Farbe {
      required                 // a code list cannot be required
      code \"r\" \"Rot\"
    }

Fix: move the statement to the block it belongs to, or remove it.";

    /// The same property is given twice.
    DuplicateProperty = "E0104", "duplicate-property", Error,
"A property such as `label`, `hint`, `version` or `pattern` may be given only
once per block; a second one would silently replace the first.

Example:

    field plz: postcode \"Postleitzahl\" {
      hint \"Fünf Ziffern\"
      hint \"Zum Beispiel 10115\"
    }

Fix: keep one of them. Translations go on the same line: `hint \"…\" en \"…\"`.";

    /// A literal cannot be read: an impossible date, a number too large, a bad escape.
    InvalidLiteral = "E0105", "invalid-literal", Error,
"The literal is written correctly but has no valid value.

Dates must exist in the calendar (there is no 2023-02-30; 29 February only in
leap years), whole numbers must fit into 64 bits, versions must look like
`1.0.0`, and a string escape `\\u{…}` must name a Unicode scalar value.

Example:

    min 2023-02-29

Fix:

    min 2023-02-28";

    /// A required property is missing, e.g. a form without a title.
    MissingProperty = "E0106", "missing-property", Error,
"Something every definition of this kind needs is missing.

A form needs a `title`, a `version` and `languages`; a field, group or repeat
needs a label; a rule needs `check` and `message`; a code entry needs a label.
The generated artifacts show these texts to citizens, so they cannot be left
out.

Example:

    form hundesteuer {
      version \"1.0.0\"
    }

Fix:

    form hundesteuer {
      title \"Anmeldung zur Hundesteuer\" en \"Dog tax registration\"
      version \"1.0.0\"
      languages de, en
    }";

    /// Two properties contradict each other, e.g. `required` and `optional`.
    ConflictingProperties = "E0107", "conflicting-properties", Error,
"Two statements in the same block say opposite things, so the meaning would
depend on their order.

Example:

    field telefon: phone \"Telefon\" required {
      optional
    }

Fix: keep the one you mean. `required when <condition>` replaces `required`
for fields that are required only sometimes.";

    /// A source file is not UTF-8 text: UTF-16, UTF-32, Latin-1, binary.
    SourceNotUtf8 = "E0108", "source-not-utf8", Error,
"Formwerk reads form sources as UTF-8 only. The file is UTF-16 or UTF-32
(recognised by its byte order mark, or UTF-16 by the NUL byte in every
other place), contains a NUL byte (a binary file), or has bytes that are
not UTF-8, as Latin-1 and Windows-1252 files do for umlauts; a lone UTF-16
surrogate encoded in UTF-8 is not UTF-8 either. The message names the line,
column and byte offset of the first such byte but never shows the file's
contents, since a file that is not text may hold anything.

Example: a file saved as Windows-1252, where `ü` is the single byte 0xFC:

    form antrag {
      title \"Führungszeugnis\"     // the byte 0xFC at line 2, column 11

Fix: save the file as UTF-8, e.g. `iconv -f WINDOWS-1252 -t UTF-8`.";

    /// A source file was refused unread: a symbolic link, not a regular file, too large.
    SourceFileRefused = "E0109", "source-file-refused", Error,
"Formwerk reads only regular files, never through a symbolic link, and none
larger than 16 MiB. This applies to every `.form` file found in a directory
and to every module that `use` reads. A link could lead out of the project
(to `/proc/self/environ`, say, whose contents a syntax error would print), a
FIFO or device could block the build for ever, and a huge file could
exhaust memory; so such files are refused before they are opened.

Example:

    forms/antrag.form -> /etc/passwd       // a symbolic link
    forms/pipe.form                        // a FIFO (mkfifo)

Fix: copy the real file into the forms directory (or name the directory a
link points to), and split very large sources into modules.";

    /// A reference names a field, group or repeat that does not exist.
    UnknownName = "E0201", "unknown-name", Error,
"A condition, rule or `at` target names something that is not declared.

Names are looked up from the place of the expression outwards: first the
fields of the enclosing group, then its parent, up to the form. A path such as
`antragsteller.geburtsdatum` then walks into groups.

Example:

    field behoerde: text \"Behörde\" {
      visible when zeugnisart == \"O\"   // the field is called `art`
    }

Fix: use the declared name; the help line suggests the closest one.";

    /// `use` names a module that does not exist.
    UnknownModule = "E0202", "unknown-module", Error,
"`use a.b` loads the file `a/b.form` below the forms directory, and no such
file exists.

Example:

    use common.persn

Fix:

    use common.person";

    /// Modules import each other in a cycle.
    ImportCycle = "E0203", "import-cycle", Error,
"Modules may not import themselves, directly or through others. A cycle has no
order in which the definitions could be read.

Example: `common/a.form` contains `use common.b` and `common/b.form` contains
`use common.a`.

Fix: move the shared definitions into a third module that both import.";

    /// Two things with the same name in the same place.
    DuplicateName = "E0204", "duplicate-name", Error,
"Two fields, groups or repeats in the same group (sections do not count: all
sections of a form share one data object), or two code lists, group types,
rules or codes in one scope, have the same name. Names become JSON keys and
identifiers, so they must be unique.

Example:

    section person \"Person\" {
      field name: text \"Name\"
    }
    section firma \"Firma\" {
      field name: text \"Name der Firma\"
    }

Fix: give one of them another name, e.g. `firmenname`.";

    /// A type or code list name is not defined.
    UnknownType = "E0205", "unknown-type", Error,
"`group x: T`, `repeat x: T` and `choice of L` name a group type or code list
that is neither defined in this file nor in a module it imports with `use`.

Example:

    use common.codes
    field geschlecht: choice of Geschlect \"Geschlecht\"

Fix: correct the name, or add the `use` of the module that defines it.";

    /// An expression refers into a repeat group from outside without an aggregate.
    RepeatWithoutAggregate = "E0206", "repeat-without-aggregate", Error,
"A repeat group holds many items, so a field inside it has many values. From
outside the repeat, an expression must say which: the number of items, or an
aggregate over them.

Example:

    repeat kinder \"Kinder\" 0..10 {
      field geburtsdatum: date \"Geburtsdatum\"
    }
    field kindergeld: boolean \"Kindergeld\" {
      visible when kinder.geburtsdatum > today - 18 years
    }

Fix: use `count(kinder)`, `sum(…)`, `min(…)`, `max(…)`, `any(kinder, …)` or
`all(kinder, …)`:

      visible when any(kinder, geburtsdatum > today - 18 years)";

    /// A name is imported from two modules.
    AmbiguousName = "E0207", "ambiguous-name", Error,
"Two imported modules both define a group type or code list with this name, so
it is not clear which one is meant.

Example: `common/person.form` and `common/firma.form` both define `Anschrift`,
and a form uses both modules.

Fix: rename one of the definitions, or import only the module you need.";

    /// A group type contains itself.
    RecursiveGroup = "E0208", "recursive-group", Error,
"A group type contains a group or repeat of its own type, directly or through
other types. A form would then be infinitely deep.

Example:

    group Person \"Person\" {
      group vertreter: Person \"Vertreter\"
    }

Fix: define a separate, smaller type for the inner group.";

    /// A code that is not in the field's code list.
    UnknownCode = "E0209", "unknown-code", Error,
"A condition compares a choice field with a code that its code list does not
contain. The comparison could never be true.

Example:

    codelist Zeugnisart { code \"N\" \"Normal\"  code \"O\" \"Behörde\" }
    field art: choice of Zeugnisart \"Art\"
    field behoerde: text \"Behörde\" { visible when art == \"B\" }

Fix: use one of the list's codes (`\"O\"`). Codes are compared, not labels.";

    /// A translation in a language the form does not declare.
    UnknownLanguage = "E0210", "unknown-language", Error,
"Texts can be translated into the languages a form declares with
`languages de, en`. A translation into another language would never be shown.
(A declared language without a catalogue is `E0450`.)

Example:

    form x {
      languages de
      title \"Titel\" en \"Title\"
    }

Fix: add the language to `languages`, or remove the translation.";

    /// Two names that the generated artifacts cannot tell apart.
    NameCollision = "E0211", "name-collision", Error,
"Identifiers, type names, module names and HTML ids are derived from names
(never from labels), so two names that differ only in a way a target folds
away would become one generated name:

- Rust fields and HTML ids are lower case: `Name` and `name` in one group
  both become the field `name` and the id `name`.
- A Rust type is the path of a group, repeat item, code list or group type in
  CamelCase: the groups `x.a_b` and `x_a.b` both become `XAB`, the repeat
  `kind` (type `KindItem`) collides with a group `kind_item`, a code list
  `Anschrift` with a group `anschrift`, a top-level group `submission` with
  the form's own type `Submission`.
- An HTML id is the path joined by `-`, and its hint, error and panel are
  `ID-hinweis`, `ID-fehler`, `ID-bereich` (a repeat adds `ID-info`,
  `ID-hinzufuegen`, and per item `ID-N-entfernen`, `ID-N-fehler`): a group
  `antrag` may not have a member called `hinweis`. The page itself uses
  `inhalt`, `fehlerzusammenfassung`, `aktion-weiter`, `aktion-zurueck`,
  `hinweis-aktion` and `formular-FORM`.
- Forms are modules and file names: `Antrag` and `antrag` collide (also on
  case-insensitive file systems), and so do modules `common.person` and
  `common_person` whose definitions several forms share.

Example:

    group x \"X\" {
      group a_b \"AB\" { field c: text \"C\" }
    }
    group x_a \"XA\" {
      group b \"B\" { field c: text \"C\" }
    }

Fix: rename one of them so that the names differ in more than letter case and
underscores, e.g. `x_a` → `xa_gruppe`.";

    /// A name that a target reserves.
    ReservedName = "E0212", "reserved-name", Error,
"Some names cannot be written in a generated artifact, or would replace one
of its own parts:

- `_` (and names made only of underscores) is not a Rust identifier;
- `self`, `super` and `crate` (in any letter case) cannot be Rust field names,
  not even as raw identifiers;
- names starting with `__` are reserved for the generated code;
- a form is a Rust module and a file of the generated crate: its name may not
  be a Rust keyword, nor `lib` (the crate root), `main` (a binary), `runtime`
  or `shared` (modules of the crate).

Example:

    form runtime { … }
    field self: text \"Selbst\"

Fix: choose another name, e.g. `form laufzeit` and `field selbst`.";

    /// Operand types do not fit together.
    TypeMismatch = "E0301", "type-mismatch", Error,
"The two sides of a comparison or arithmetic operation have types that cannot
be combined, e.g. a date compared with a number, or text added to money.

Example:

    rule alter {
      check geburtsdatum < 18
      message \"…\"
    }

Fix: compare values of the same kind:

      check geburtsdatum < today - 18 years";

    /// A condition or rule check is not a yes/no expression.
    NotACondition = "E0302", "not-a-condition", Error,
"`visible when`, `required when`, `check` and the predicate of `any`/`all`
need an expression that is true or false.

Example:

    visible when art

Fix: compare the value:

    visible when art == \"O\"";

    /// An operator cannot be used with these operand types.
    InvalidOperator = "E0303", "invalid-operator", Error,
"The operator is not defined for this type: texts and codes can only be tested
for (in)equality and membership, booleans cannot be ordered, dates can only be
shifted by a duration, not added to each other.

Example:

    visible when name > \"M\"

Fix: use an operator the type supports, e.g. `name == \"Meier\"`.";

    /// A function gets the wrong number or kind of arguments.
    WrongArguments = "E0304", "wrong-arguments", Error,
"The built-in functions take these arguments:

    count(repeat)              number of items (also: number of chosen codes)
    count(repeat, condition)   number of items for which the condition holds
    sum(repeat.field)          sum of a number or money field over the items
    min(repeat.field)          smallest value (numbers, money, dates)
    max(repeat.field)          largest value
    any(repeat, condition)     some item fulfils the condition
    all(repeat, condition)     every item fulfils the condition

Example:

    check sum(kinder) > 0

Fix:

    check count(kinder) > 0";

    /// A function name that is not built in.
    UnknownFunction = "E0305", "unknown-function", Error,
"Only the built-in functions `count`, `sum`, `min`, `max`, `any` and `all`
can be called.

Example:

    check anzahl(kinder) <= 5

Fix:

    check count(kinder) <= 5";

    /// A constraint or property does not apply to this field type.
    NotApplicable = "E0306", "not-applicable", Error,
"The property has no meaning for this field type: `length` and `pattern`
apply to text-like fields, `decimals` to decimal numbers (and `decimals 0`
to money, for whole euros), `min`/`max` to numbers, money and dates,
`accept`/`max_size`/`count` to files (`max_total` to a file field with
`count`), `control` to choices and booleans, `unit` to
integer and decimal fields (money is always in euros), and labels/hints to
fields, groups and repeats.

Example:

    field geburtsdatum: date \"Geburtsdatum\" {
      length ..10
    }

Fix: remove the property, or use the one that fits (`max today`).";

    /// A bound that is not a constant of the field's type.
    InvalidBound = "E0307", "invalid-bound", Error,
"`min` and `max` take a constant of the field's type: a number for numbers
and money, a date or `today ± duration` for dates. A comparison with another
field is a cross-field rule. `count` of a file field that takes several files
needs a maximum of at most 100 files (`count 1..5`).

Example:

    field ende: date \"Ende\" {
      min beginn
    }

Fix:

    rule ende_nach_beginn {
      check ende >= beginn
      at ende
      message \"Das Ende darf nicht vor dem Beginn liegen.\"
    }";

    /// A `member` block that allows more than the shared group type.
    LoosenedMember = "E0410", "loosened-member", Error,
"A group or repeat of a shared type may tighten a member where it is used
(`member x { … }`), but only narrow it: every value this use accepts must be
one the type accepts. A longer `length`, a lower `min` or a higher `max` than
the type's would loosen it. A bound that cannot be compared with the type's
(a fixed date against one relative to today) is refused too.

Example:

    group Person \"Person\" {
      field vorname: text \"Vorname\" { length ..50 }
    }
    group antragsteller: Person \"Antragsteller\" {
      member vorname { length ..80 }
    }

Fix:

    group antragsteller: Person \"Antragsteller\" {
      member vorname { length ..40 }
    }";

    /// A rule's `severity` that is neither `error` nor `warning`.
    UnknownSeverity = "E0411", "unknown-severity", Error,
"A rule's `severity` says how a failing check counts: `error` (the default)
makes the submission invalid, `warning` is a hint the citizen may confirm
(\"unusually high rent\"): every validator reports it apart from the
violations, and the submission stays valid. There is no other severity.

Example:

    rule miete_hoch {
      check miete <= 2000
      severity hinweis
      message \"Die Miete ist ungewöhnlich hoch. Bitte prüfen Sie Ihre Angabe.\"
    }

Fix:

    rule miete_hoch {
      check miete <= 2000
      severity warning
      message \"Die Miete ist ungewöhnlich hoch. Bitte prüfen Sie Ihre Angabe.\"
    }";

    /// Bounds that no value can satisfy.
    ContradictoryBounds = "E0401", "contradictory-bounds", Error,
"A lower bound is above the upper bound, so no value can ever be valid. This
applies to `length`, `min`/`max`, date bounds (also relative to today) and
the item counts of repeat groups.

Example:

    repeat kinder \"Kinder\" 5..2 { … }

Fix:

    repeat kinder \"Kinder\" 2..5 { … }";

    /// A condition that can never be true.
    UnsatisfiableCondition = "E0402", "unsatisfiable-condition", Error,
"The condition of `required when` can never be true, alone or together with
the field's `visible when`. The field would never be required, which is
almost certainly not what was meant.

Example:

    field behoerde: text \"Behörde\" {
      visible when art == \"O\"
      required when art == \"N\"
    }

Fix: require the field under the condition it is shown under:

      required when art == \"O\"";

    /// A regular expression outside the portable subset.
    NonPortablePattern = "E0403", "non-portable-pattern", Error,
"Patterns run in browsers and JSON Schema validators (ECMA-262) and in the
generated Rust code (the `regex` crate). Formwerk accepts only the subset both
understand identically: literals, `.`, `[…]` classes with ranges, `\\d` and
`\\w` (translated to their ASCII meaning), `(…)`, `(?:…)`, `|`, and the
quantifiers `* + ? {n} {n,} {n,m}`.

Rejected: anchors and `\\b` (a pattern always matches the whole value),
`\\s` (its meaning differs), Unicode classes `\\p{…}`, named groups, flags such
as `(?i)`, look-around and back-references, POSIX classes `[[:alpha:]]` and
class set operations.

Example:

    pattern \"(?i)[a-z]+\"

Fix:

    pattern \"[A-Za-z]+\"";

    /// A regular expression that does not parse.
    InvalidPattern = "E0404", "invalid-pattern", Error,
"The pattern is not a valid regular expression.

Example:

    pattern \"[0-9\"

Fix:

    pattern \"[0-9]+\"";

    /// A code appears twice in one code list.
    DuplicateCode = "E0405", "duplicate-code", Error,
"Each code of a code list identifies one entry; submissions carry the code.
Two entries with the same code could not be told apart.

Example:

    codelist Geschlecht {
      code \"m\" \"männlich\"
      code \"m\" \"weiblich\"
    }

Fix: give each entry its own code.";

    /// A code list without entries.
    EmptyCodelist = "E0406", "empty-codelist", Error,
"A choice from an empty code list can never be answered.

Example:

    codelist Zeugnisart \"Art\" { urn \"urn:de:beispiel:zeugnisart\" }

Fix: add `code` entries.";

    /// An autocomplete token that is not in the allow-list.
    InvalidAutocomplete = "E0407", "invalid-autocomplete", Error,
"`autocomplete` takes one of the WHATWG tokens Formwerk allows for data about
the person filling in the form (WCAG 1.3.5): given-name, additional-name,
family-name, honorific-prefix, bday, address-line1, address-line2,
postal-code, address-level2, country, country-name, email, tel, organization,
organization-title. A `section-…` prefix may precede it. Browsers ignore
unknown tokens, and accessibility checkers flag them.

Example:

    autocomplete \"firstname\"

Fix:

    autocomplete \"given-name\"";

    /// A pattern that some target cannot compile.
    PatternTooLarge = "E0408", "pattern-too-large", Error,
"The generated Rust code and the reference validator compile a pattern with
the `regex` crate, which refuses patterns whose compiled program exceeds its
size limit (10 MB); such a pattern would match nothing. Counted repetitions
multiply: `.{200}{50}` is 10,000 copies of `.`, and a class such as `[^,]`
stands for many byte sequences.

Example:

    pattern \"([A-Za-z0-9 ]{1,1000}){1,1000}\"

Fix: bound the length with `length` and keep the pattern small:

    length ..1000
    pattern \"[A-Za-z0-9 ]*\"";

    /// A pattern that a backtracking engine may take exponential or polynomial time to match.
    AmbiguousPattern = "E0409", "ambiguous-pattern", Error,
"JSON Schema validators and browsers match patterns with backtracking engines.
When a pattern can match the same text in many ways, such an engine tries them
all before it gives up: `(a+)+` takes seconds on 30 characters, and a length
limit does not help, because validators run `pattern` whatever `maxLength`
says. Formwerk therefore proves every pattern unambiguous where it repeats:

- a repetition inside an unbounded repetition whose body can match one text
  in two ways: `(a+)+`, `(a|aa)*`, `(x+x+)+y`, `([a-z]|[0-9a-f])*`;
- two unbounded repetitions that can match the same text with only optional
  parts between them: `[a-z]*[a-z]*`, `.*@.*`, `\\d+0*\\d+`.

The diagnostic names the repetition and a text it matches in two ways.

Example:

    pattern \"([A-Za-z]+ ?)+\"

Fix: make each character belong to exactly one way of matching, e.g. let a
separator start each repetition:

    pattern \"[A-Za-z]+( [A-Za-z]+)*\"";

    /// A text lacks a translation into one of the form's languages.
    MissingTranslation = "W0001", "missing-translation", Warning,
"The form declares several languages, but this text has no translation into
one of them. The generated page for that language will show the German text.

Example:

    form x {
      languages de, en
      title \"Antrag\"
    }

Fix:

      title \"Antrag\" en \"Application\"";

    /// A module is imported but nothing from it is used.
    UnusedImport = "W0002", "unused-import", Warning,
"The file imports a module with `use` but refers to none of its group types
or code lists.

Example:

    use common.bank
    form x { … }       // no field of a type from common.bank

Fix: remove the `use`.";

    /// A raw character that changes the direction of text in the source.
    BidiControl = "W0003", "bidi-control", Warning,
"The source contains a raw bidirectional control character (U+202A–U+202E,
U+2066–U+2069) or an invisible direction mark (U+200E, U+200F, U+061C). Such
characters make an editor display the text in another order than the compiler
reads it (\"Trojan Source\"): a reviewer may see a condition that is in fact
inside a comment or a string.

Example (shown with the invisible character spelled out):

    // Nur Volljährige<U+202E> } field x: text \"X\" {

Fix: in a string, write the character as an escape, which says the same and
is visible:

    label \"\\u{202E}abc\"

In a comment or between tokens, remove it.";
    /// A source file starts with a UTF-8 byte order mark.
    ByteOrderMark = "W0004", "byte-order-mark", Warning,
"The file starts with the bytes EF BB BF, a UTF-8 byte order mark. Formwerk
skips it, but UTF-8 needs no byte order mark, and other tools (diff, grep,
scripts that read the first line) see it as text.

Example: a file saved by an editor with the encoding \"UTF-8 with BOM\".

Fix: save the file as plain UTF-8.";

    /// A required boolean shown as a checkbox that does not have to be ticked.
    UnconfirmedDeclaration = "W0005", "unconfirmed-declaration", Warning,
"A required boolean shown as a single checkbox is a declaration, but nothing
says it must be ticked: in JSON the form accepts `false`, while a browser
sends nothing for an unticked box, so the same form would mean two things
(`false` is accepted from an API, but an unticked box fails as missing).

Example:

    field richtigkeit: boolean \"Ich versichere, dass meine Angaben richtig sind.\" required {
      control checkbox
    }

Fix: say that the declaration must be confirmed. `must be true` implies
`required` and `control checkbox`; every target then accepts only `true`
(JSON Schema `const: true`) and reports `not_confirmed` otherwise:

    field richtigkeit: boolean \"Ich versichere, dass meine Angaben richtig sind.\" must be true

If ticking is really optional, drop `required`; if both answers are
meaningful, ask with `control radios` (Ja/Nein).";
    /// A label, hint or info has a brace that is neither a placeholder nor a literal brace.
    InvalidTemplate = "E0110", "invalid-template", Error,
"Labels, hints and infos may show another answer: `{path}` names a field by
its path, as in expressions (inside a repeat, the current item's field). A
literal brace is written twice, `{{` or `}}`. A brace that opens no
placeholder, a placeholder that is not closed, or one that names no field
path is an error; a path that names no field is `unknown-name`.

Example:

    field miete: money \"Miete für {wohnung.adresse\"
    info hinweis \"Mengen {in Stück}\"

Fix:

    field miete: money \"Miete für {wohnung.adresse}\"
    info hinweis \"Mengen {{in Stück}}\"";

    /// A code list's parents (`within`) that do not resolve: a code without a parent, a
    /// parent that is not a code of the parent list, a prefix longer than a code.
    InvalidCodeParent = "E0430", "invalid-code-parent", Error,
"A code list that says `within Other` is the child of the list `Other`: every
one of its codes has a parent, a code of `Other`. The parent is written per
code (`code \"09162\" \"München\" within \"09\"`), or for the whole list as
the code's first N characters (`within Bundesland by prefix 2`, for inline and
external lists). Every code must have exactly one parent, and the parent must
be a code of the parent list; a list cannot be its own ancestor.

Example:

    codelist Bundesland { code \"09\" \"Bayern\"  code \"11\" \"Berlin\" }
    codelist Kreis \"Kreis\" {
      within Bundesland
      code \"09162\" \"München\" within \"90\"
      code \"11000\" \"Berlin\"
    }

Fix: give each code the code of its parent (`within \"09\"`, `within \"11\"`),
or let the parent be the code's prefix: `within Bundesland by prefix 2`.";

    /// A field's `within` that does not name a single choice of the parent list in scope.
    InvalidWithin = "E0312", "invalid-within", Error,
"`choice of Kreis within bundesland` filters the codes of a single choice by
another answer: only the codes whose parent (see `formwerk explain E0430`) is
the code chosen in `bundesland` are accepted. So the field must be a single
choice whose list has parents (`codelist Kreis { within Bundesland … }`), and
`bundesland` must be a single choice of exactly that parent list, reachable
as a condition could reach it (inside a repeat: the same item, or outside).
While `bundesland` is unanswered or invalid, any code of the list is accepted.

Example:

    codelist Kreis \"Kreis\" { within Bundesland by prefix 2  code \"09162\" \"München\" }
    field land: choice of Staat \"Staat\"
    field kreis: choice of Kreis within land \"Kreis\"

Fix: name the field that asks for the parent:

    field bundesland: choice of Bundesland \"Bundesland\"
    field kreis: choice of Kreis within bundesland \"Kreis\"";

    /// An external code list names a URN that no list of the code-list directory has.
    UnknownCodelist = "E0420", "unknown-codelist", Error,
"`codelist X from \"urn:…\" version \"…\"` takes its codes from a genericode
file of the code-list directory: `--codelists DIR`, or `codelists/` in the
current directory when it exists. No file there has this URN (the
`Identification/CanonicalUri` of the genericode list), or no directory was
given at all.

Example:

    codelist Staat from \"urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat\" version \"2023-02-24\"

checked without a code-list directory, or with one that lacks the list.

Fix: put the published genericode file of the list into `codelists/` (or
pass `--codelists DIR`), or correct the URN.";

    /// An external code list is present, but not in the version the form names.
    CodelistVersionMissing = "E0421", "codelist-version-missing", Error,
"The code-list directory has a list with this URN, but not in the version the
form names. Another version is never used in its place: codes are added,
removed and renamed between versions, so a 2017 reference must not silently
get a 2023 list. The help lists the versions that are present.

Example:

    codelist Staat from \"urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat\" version \"2017-01-01\"

with only `staat_2023-02-24.xml` in `codelists/`.

Fix: add the list in the version named, or change the form to a version that
is present (and check that its codes still mean what the form expects):

    codelist Staat from \"urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat\" version \"2023-02-24\"";

    /// The genericode file an external code list resolves to cannot be a code list.
    InvalidCodelistFile = "E0422", "invalid-codelist-file", Error,
"The genericode file that the reference resolves to has no codes, an empty
code, a code with spaces around it, or the same code twice, so its entries
could not be told apart in a submission. The message names the file.

Example: a hand-edited `codelists/farbe_1.xml` whose rows both have the key
`r`, referenced as

    codelist Farbe from \"urn:beispiel:farbe\" version \"1\"

Fix: correct the file (the publisher's original has unique keys), or use an
inline code list.";

    /// An external code list without a version: the newest one present is used.
    CodelistVersionUnpinned = "W0010", "codelist-version-unpinned", Warning,
"`codelist X from \"urn:…\"` without `version` takes the newest version of the
list in the code-list directory, so adding a newer file changes the form's
codes without any change to the form. The warning names the version used.

Example:

    codelist Staat from \"urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat\"

Fix: name the version the form was written for:

    codelist Staat from \"urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat\" version \"2024-08-01\"";

    /// A language tag that is not a well-formed BCP 47 tag, or not in canonical case.
    MalformedLanguageTag = "E0150", "malformed-language-tag", Error,
"`languages` and translations name languages by BCP 47 tags: a language code of
2 or 3 letters (ISO 639), then optionally a script of 4 letters, a region of 2
letters or 3 digits, and variants of 5 to 8 characters, joined by hyphens.
Tags are compared as written, so they must be in canonical case: language in
lower case, script in title case, region in upper case. Extensions (`-u-…`)
and private use (`-x-…`) are not accepted.

Example:

    languages de, de_CH, Ar

Fix: write well-formed tags, such as `de`, `hsb` (Upper Sorbian), `de-CH`,
`sr-Latn` or `ar`:

    languages de, de-CH, ar";

    /// A language of the form has no catalogue, built in or in the project.
    MissingCatalogue = "E0450", "missing-catalogue", Error,
"Every language a form declares needs a catalogue: the texts Formwerk writes
itself in that language (validation messages, the words of the HTML pages).
`de` and `en` are built in; a project adds a language with a TOML file
`catalogues/<tag>.toml` next to its forms directory (or in the directory given
by `--catalogues`).

Example:

    languages de, hsb

without `catalogues/hsb.toml`.

Fix: copy a built-in catalogue (see docs/LANGUAGE.md, Catalogues), translate
its texts and save it as `catalogues/hsb.toml`.";

    /// A project catalogue that cannot be used: malformed TOML, missing or unknown keys,
    /// unknown placeholders, forbidden characters.
    InvalidCatalogue = "E0451", "invalid-catalogue", Error,
"A catalogue file must be valid TOML, at most 256 KB, with every key of the
built-in catalogues and no other, each text at most 1000 characters without
control characters, and only the placeholders each key may use (`{label}`,
`{n}`, …; `{{` and `}}` are literal braces). The help lists every problem, and
all missing keys at once.

Example: `catalogues/ar.toml` with

    [messages]
    required = \"يرجى ملء {lable}.\"

Fix: use the placeholder the key names (`{label}`), and add the missing keys.";

    /// A computed field (`value <expr>`) that also asks the citizen for its value.
    ComputedConflict = "E0310", "computed-conflict", Error,
"A field with `value <expr>` is read-only: its value is computed from other
answers, shown on the page and verified by every validator. It cannot also be
asked of the citizen: `required`, `optional`, `default`, `prefill from`,
`must be true` and `control` contradict it. Only integer, decimal, money,
boolean and date fields can be computed, and the expression must be of the
field's type (an integer field needs a whole number; money and decimal fields
take any number, rounded half away from zero to the field's decimals).

Example:

    field summe: money \"Summe aller Einkommen\" required {
      value sum(haushalt.einkommen)
    }

Fix: remove `required`; while the sum cannot be computed (an income is
missing), the field is absent:

    field summe: money \"Summe aller Einkommen\" {
      value sum(haushalt.einkommen)
    }";

    /// Computed fields whose values depend on each other in a circle.
    ComputedCycle = "E0311", "computed-cycle", Error,
"The value of a computed field cannot depend on itself, directly or through
other computed fields: no order of computing them would end.

Example:

    field netto: money \"Netto\" { value brutto - steuer }
    field brutto: money \"Brutto\" { value netto + steuer }

Fix: let one of them be answered by the citizen:

    field brutto: money \"Brutto\" required
    field netto: money \"Netto\" { value brutto - steuer }";

    /// An overlay names a base that is not a form of the project.
    UnknownBase = "E0460", "unknown-base", Error,
"`form a extends b` reads the form in the module `b` (the file `b.form` below
the forms directory, resolved like `use`). The module does not exist, or it
holds no form. A base is always a form of the same project: a path out of the
forms directory cannot be written.

Example:

    form wohngeld_sachsen extends wohngeldd { version \"1.0.0\" }

Fix:

    form wohngeld_sachsen extends wohngeld { version \"1.0.0\" }";

    /// An overlay's base cannot be extended: itself, or an overlay.
    InvalidBase = "E0461", "invalid-base", Error,
"An overlay adapts a form that stands on its own. A form cannot extend itself,
and an overlay cannot be the base of another overlay (the guarantee is proved
against one base, whose artifacts everyone reads): extend the base form itself.

Example:

    form wohngeld_leipzig extends sachsen.wohngeld { … }   // itself an overlay

Fix:

    form wohngeld_leipzig extends wohngeld { … }";

    /// An overlay changes its base in a way that is not a narrowing or an addition.
    OverlayChangesBase = "E0462", "overlay-changes-base", Error,
"An overlay may add fields, groups, repeats, infos, sections and rules, tighten
base members (`member path { required length min max hidden codes }`), replace
hints and infos, and add translations. Everything else would let the overlay
accept submissions the base refuses, or change what a base value means:
redeclaring a base item, `optional`, `visible when` and `required when` on a
base member, its label, type or other constraints.

Example:

    form wohngeld_sachsen extends wohngeld {
      version \"1.0.0\"
      member antragsteller.telefon { optional }
      field antragsteller: text \"Name\"
    }

Fix: tighten the member, and add new items under new names:

    form wohngeld_sachsen extends wohngeld {
      version \"1.0.0\"
      member antragsteller.telefon { required }
      field rufname: text \"Rufname\"
    }";

    /// The overlay's compat check found a submission it accepts that the base refuses.
    OverlayBreaksBase = "E0463", "overlay-breaks-base", Error,
"Every submission an overlay accepts must be, with the overlay's additions
removed, one its base accepts, so that everything built for the base reads the
base part unchanged. `check` and `build` prove this with `formwerk compat`: the
overlay without its additions is compared with the base in the submit
direction, and every breaking finding is this error (its rule id is in the
message; see docs/COMPAT.md).

Example: a code list of the overlay that has a code the base's list lacks.

Fix: narrow instead (`member art { codes \"M\", \"E\" }`), or, when the
difference is intended and everyone who reads the base knows it, skip the
check with a reason: `form a extends b unchecked \"reason\" { … }`.";

    /// An overlay whose compat check is skipped.
    OverlayUnchecked = "W0011", "overlay-unchecked", Warning,
"`form a extends b unchecked \"reason\"` skips the proof that every submission of
the overlay, without its additions, is one the base accepts. Readers built for
the base may refuse its data. The reason is kept in the IR (`extends.unchecked`).

Example:

    form wohngeld_sachsen extends wohngeld unchecked \"Übergangsregelung bis 2027\" { … }

Fix: remove `unchecked \"…\"` once the overlay only narrows and adds.";

    /// The overlay's compat check cannot decide whether the base accepts what the overlay does.
    OverlayMayBreakBase = "W0012", "overlay-may-break-base", Warning,
"The overlay check (`E0463`) found a difference between the overlay without its
additions and its base that cannot be decided from the definitions (a compat
finding of severity warning, e.g. a changed pattern or condition). Look at the
named rule in docs/COMPAT.md and make sure the base accepts what the overlay does.

Example: a finding `visibility-changed` at a member.

Fix: leave the base's conditions and patterns as they are; tighten with
`member path { … }` and check more in a `rule` of the overlay.";
}
