//! A CSS tokenizer after CSS Syntax Level 3 §4, as far as [`super::check`] needs it: escapes are
//! decoded in names, strings and URLs (so `url(java\73 cript:…)` reads as a browser reads it),
//! numbers are not evaluated, and comments are dropped. Each token keeps the line it starts on.
//!
//! It never fails: like a browser, it turns malformed input into `BadString`/`BadUrl` tokens; an
//! unterminated comment is reported as [`Token::OpenComment`].

/// One token; names, strings and URLs with their escapes decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    Whitespace,
    Ident(String),
    /// A name directly followed by `(`.
    Function(String),
    AtKeyword(String),
    Hash,
    Str(String),
    /// A string with a raw line break.
    BadString,
    /// An unquoted `url(…)`.
    Url(String),
    BadUrl,
    Number,
    Delim(char),
    Colon,
    Semicolon,
    Comma,
    Open(char),
    Close(char),
    /// `<!--` or `-->`.
    Cdo,
    Cdc,
    /// A comment that is never closed (browsers drop the rest of the sheet).
    OpenComment,
}

/// The tokens of `text`, each with its 1-based line.
pub fn tokenize(text: &str) -> Vec<(Token, usize)> {
    let mut tokenizer = Tokenizer { chars: preprocess(text), at: 0, line: 1 };
    let mut out = Vec::new();
    while let Some(token) = tokenizer.next_token() {
        let stop = token.0 == Token::OpenComment;
        out.push(token);
        if stop {
            break;
        }
    }
    out
}

/// CSS Syntax §3.3: CR LF, CR and FF become LF; NUL becomes U+FFFD.
fn preprocess(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\x0c' => out.push('\n'),
            '\0' => out.push('\u{FFFD}'),
            _ => out.push(c),
        }
    }
    out
}

struct Tokenizer {
    chars: Vec<char>,
    at: usize,
    line: usize,
}

fn is_whitespace(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '\t' | '\n'))
}

fn is_ident_start(c: Option<char>) -> bool {
    matches!(c, Some(c) if c.is_ascii_alphabetic() || c == '_' || !c.is_ascii())
}

fn is_ident_char(c: Option<char>) -> bool {
    is_ident_start(c) || matches!(c, Some(c) if c.is_ascii_digit() || c == '-')
}

fn is_digit(c: Option<char>) -> bool {
    matches!(c, Some(c) if c.is_ascii_digit())
}

fn is_valid_escape(first: Option<char>, second: Option<char>) -> bool {
    first == Some('\\') && second != Some('\n')
}

fn is_non_printable(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b' | '\x0e'..='\x1f' | '\x7f')
}

impl Tokenizer {
    fn peek(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn starts_ident(&self, offset: usize) -> bool {
        let (a, b, c) = (self.peek(offset), self.peek(offset + 1), self.peek(offset + 2));
        match a {
            Some('-') => is_ident_start(b) || b == Some('-') || is_valid_escape(b, c),
            Some('\\') => is_valid_escape(a, b),
            _ => is_ident_start(a),
        }
    }

    fn starts_number(&self) -> bool {
        let (a, b, c) = (self.peek(0), self.peek(1), self.peek(2));
        match a {
            Some('+' | '-') => is_digit(b) || (b == Some('.') && is_digit(c)),
            Some('.') => is_digit(b),
            _ => is_digit(a),
        }
    }

    /// Skips comments; `false` if one is never closed.
    fn skip_comments(&mut self) -> bool {
        while self.peek(0) == Some('/') && self.peek(1) == Some('*') {
            self.bump();
            self.bump();
            loop {
                match self.bump() {
                    None => return false,
                    Some('*') if self.peek(0) == Some('/') => {
                        self.bump();
                        break;
                    }
                    Some(_) => {}
                }
            }
        }
        true
    }

    fn next_token(&mut self) -> Option<(Token, usize)> {
        if !self.skip_comments() {
            return Some((Token::OpenComment, self.line));
        }
        let line = self.line;
        let c = self.peek(0)?;
        let token = match c {
            ' ' | '\t' | '\n' => {
                while is_whitespace(self.peek(0)) {
                    self.bump();
                }
                Token::Whitespace
            }
            '"' | '\'' => {
                self.bump();
                self.string(c)
            }
            '#' if is_ident_char(self.peek(1)) || is_valid_escape(self.peek(1), self.peek(2)) => {
                self.bump();
                self.name();
                Token::Hash
            }
            '(' | '[' | '{' => {
                self.bump();
                Token::Open(c)
            }
            ')' | ']' | '}' => {
                self.bump();
                Token::Close(c)
            }
            ',' => {
                self.bump();
                Token::Comma
            }
            ':' => {
                self.bump();
                Token::Colon
            }
            ';' => {
                self.bump();
                Token::Semicolon
            }
            '+' | '.' if self.starts_number() => self.number(),
            '-' if self.starts_number() => self.number(),
            '-' if self.peek(1) == Some('-') && self.peek(2) == Some('>') => {
                self.at += 3;
                Token::Cdc
            }
            '-' if self.starts_ident(0) => self.ident_like(),
            '<' if self.peek(1) == Some('!') && self.peek(2) == Some('-') && self.peek(3) == Some('-') => {
                self.at += 4;
                Token::Cdo
            }
            '@' if self.starts_ident(1) => {
                self.bump();
                Token::AtKeyword(self.name())
            }
            '\\' if is_valid_escape(self.peek(0), self.peek(1)) => self.ident_like(),
            _ if is_digit(Some(c)) => self.number(),
            _ if is_ident_start(Some(c)) => self.ident_like(),
            _ => {
                self.bump();
                Token::Delim(c)
            }
        };
        Some((token, line))
    }

    /// After the opening quote.
    fn string(&mut self, quote: char) -> Token {
        let mut value = String::new();
        loop {
            match self.peek(0) {
                None => return Token::Str(value),
                Some(c) if c == quote => {
                    self.bump();
                    return Token::Str(value);
                }
                Some('\n') => return Token::BadString,
                Some('\\') => {
                    self.bump();
                    match self.peek(0) {
                        None => {}
                        Some('\n') => {
                            self.bump();
                        }
                        Some(_) => value.push(self.escape()),
                    }
                }
                Some(c) => {
                    self.bump();
                    value.push(c);
                }
            }
        }
    }

    /// After the backslash of a valid escape.
    fn escape(&mut self) -> char {
        let Some(c) = self.bump() else { return '\u{FFFD}' };
        if !c.is_ascii_hexdigit() {
            return c;
        }
        let mut digits = c.to_string();
        while digits.len() < 6 && self.peek(0).is_some_and(|c| c.is_ascii_hexdigit()) {
            digits.push(self.bump().unwrap_or('0'));
        }
        if is_whitespace(self.peek(0)) {
            self.bump();
        }
        let value = u32::from_str_radix(&digits, 16).unwrap_or(0);
        match char::from_u32(value) {
            Some(c) if value != 0 => c,
            _ => '\u{FFFD}',
        }
    }

    fn name(&mut self) -> String {
        let mut out = String::new();
        loop {
            if is_ident_char(self.peek(0)) {
                out.extend(self.bump());
            } else if is_valid_escape(self.peek(0), self.peek(1)) {
                self.bump();
                out.push(self.escape());
            } else {
                return out;
            }
        }
    }

    fn number(&mut self) -> Token {
        if matches!(self.peek(0), Some('+' | '-')) {
            self.bump();
        }
        while is_digit(self.peek(0)) {
            self.bump();
        }
        if self.peek(0) == Some('.') && is_digit(self.peek(1)) {
            self.bump();
            while is_digit(self.peek(0)) {
                self.bump();
            }
        }
        let exponent = matches!(self.peek(0), Some('e' | 'E'))
            && (is_digit(self.peek(1)) || (matches!(self.peek(1), Some('+' | '-')) && is_digit(self.peek(2))));
        if exponent {
            self.bump();
            self.bump();
            while is_digit(self.peek(0)) {
                self.bump();
            }
        }
        if self.starts_ident(0) {
            self.name();
        } else if self.peek(0) == Some('%') {
            self.bump();
        }
        Token::Number
    }

    fn ident_like(&mut self) -> Token {
        let name = self.name();
        if self.peek(0) != Some('(') {
            return Token::Ident(name);
        }
        self.bump();
        if !name.eq_ignore_ascii_case("url") {
            return Token::Function(name);
        }
        while is_whitespace(self.peek(0)) && is_whitespace(self.peek(1)) {
            self.bump();
        }
        let quoted = |c: Option<char>| matches!(c, Some('"' | '\''));
        if quoted(self.peek(0)) || (is_whitespace(self.peek(0)) && quoted(self.peek(1))) {
            return Token::Function(name);
        }
        self.url()
    }

    /// After `url(`.
    fn url(&mut self) -> Token {
        let mut value = String::new();
        while is_whitespace(self.peek(0)) {
            self.bump();
        }
        loop {
            match self.peek(0) {
                None => return Token::Url(value),
                Some(')') => {
                    self.bump();
                    return Token::Url(value);
                }
                Some(' ' | '\t' | '\n') => {
                    while is_whitespace(self.peek(0)) {
                        self.bump();
                    }
                    if matches!(self.peek(0), None | Some(')')) {
                        self.bump();
                        return Token::Url(value);
                    }
                    return self.bad_url();
                }
                Some('"' | '\'' | '(') => return self.bad_url(),
                Some(c) if is_non_printable(c) => return self.bad_url(),
                Some('\\') if is_valid_escape(self.peek(0), self.peek(1)) => {
                    self.bump();
                    value.push(self.escape());
                }
                Some('\\') => return self.bad_url(),
                Some(c) => {
                    self.bump();
                    value.push(c);
                }
            }
        }
    }

    fn bad_url(&mut self) -> Token {
        loop {
            match self.peek(0) {
                None => return Token::BadUrl,
                Some(')') => {
                    self.bump();
                    return Token::BadUrl;
                }
                Some('\\') if is_valid_escape(self.peek(0), self.peek(1)) => {
                    self.bump();
                    self.escape();
                }
                Some(_) => {
                    self.bump();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Token> {
        tokenize(text).into_iter().map(|(t, _)| t).filter(|t| *t != Token::Whitespace).collect()
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(kinds("url(java\\73 cript:x)"), [Token::Url("javascript:x".into())]);
        assert_eq!(kinds("\\75 rl('a')"), [Token::Function("url".into()), Token::Str("a".into()), Token::Close(')')]);
        assert_eq!(kinds("@\\69mport"), [Token::AtKeyword("import".into())]);
        assert_eq!(kinds("ex\\pression("), [Token::Function("expression".into())]);
    }

    #[test]
    fn malformed_input_gives_bad_tokens() {
        assert_eq!(kinds("url(a b)"), [Token::BadUrl]);
        assert_eq!(kinds("url(a\"b)"), [Token::BadUrl]);
        assert_eq!(kinds("\"a\nb\""), [Token::BadString, Token::Ident("b".into()), Token::Str("".into())]);
        assert_eq!(kinds("a /* b"), [Token::Ident("a".into()), Token::OpenComment]);
        assert_eq!(kinds("<!-- -->"), [Token::Cdo, Token::Cdc]);
    }

    #[test]
    fn lines_are_counted() {
        let tokens = tokenize("a\r\nb\x0cc /* \n */ d");
        let lines: Vec<usize> = tokens.iter().filter(|(t, _)| *t != Token::Whitespace).map(|(_, l)| *l).collect();
        assert_eq!(lines, [1, 2, 3, 4]);
    }
}
