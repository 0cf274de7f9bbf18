//! The base protocol: messages framed by a `Content-Length` header, read from and written to
//! byte streams. A header without a length, or a length above [`MAX_MESSAGE_BYTES`], ends the
//! stream with an error (the framing is lost); a body that is not JSON is reported to the
//! caller, who answers it with a parse error and goes on.

use std::io::{self, BufRead, Read, Write};

use serde_json::Value;

/// The largest message accepted: a source file at its limit, escaped as JSON, with room.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// One framed message as read.
pub enum Incoming {
    Message(Value),
    /// The body was not JSON (answered with `ParseError`).
    Malformed(String),
}

/// Reads the next message; `Ok(None)` at the end of the stream.
pub fn read(input: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    let mut length: Option<usize> = None;
    let mut line = String::new();
    loop {
        line.clear();
        // A header line is short; a stream that sends megabytes without a newline is refused.
        let read = input.by_ref().take(8 * 1024).read_line(&mut line)?;
        if read == 0 {
            return if length.is_none() { Ok(None) } else { Err(invalid("the stream ended inside a header")) };
        }
        if !line.ends_with('\n') {
            return Err(invalid("a header line is too long"));
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_some() {
                break;
            }
            // Blank lines between messages are tolerated.
            continue;
        }
        let Some((name, value)) = header.split_once(':') else {
            return Err(invalid("a header line has no `:`"));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value: usize = value.trim().parse().map_err(|_| invalid("Content-Length is not a number"))?;
            if value > MAX_MESSAGE_BYTES {
                return Err(invalid("a message is larger than the server accepts"));
            }
            length = Some(value);
        }
    }
    let mut body = vec![0; length.unwrap_or(0)];
    input.read_exact(&mut body)?;
    Ok(Some(match serde_json::from_slice(&body) {
        Ok(value) => Incoming::Message(value),
        Err(error) => Incoming::Malformed(error.to_string()),
    }))
}

/// Writes one message with its header and flushes.
pub fn write(output: &mut impl Write, message: &Value) -> io::Result<()> {
    let body = serde_json::to_vec(message).map_err(io::Error::other)?;
    write!(output, "Content-Length: {}\r\n\r\n", body.len())?;
    output.write_all(&body)?;
    output.flush()
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_framed_messages_and_refuses_broken_framing() {
        let mut input = io::Cursor::new(b"Content-Length: 2\r\n\r\n{}Content-Length: 3\r\n\r\n{x}".to_vec());
        assert!(matches!(read(&mut input), Ok(Some(Incoming::Message(_)))));
        assert!(matches!(read(&mut input), Ok(Some(Incoming::Malformed(_)))));
        assert!(matches!(read(&mut input), Ok(None)));
        let mut huge = io::Cursor::new(b"Content-Length: 99999999999\r\n\r\n".to_vec());
        assert!(read(&mut huge).is_err());
        let mut out = Vec::new();
        write(&mut out, &serde_json::json!({"a": 1})).unwrap();
        assert_eq!(out, b"Content-Length: 7\r\n\r\n{\"a\":1}");
    }
}
