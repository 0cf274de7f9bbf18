//! A `formwerk serve` process on an ephemeral loopback port, and a minimal HTTP/1.1 client
//! with a cookie, for the server's tests (`tests/serve.rs`, `tests/serve_load.rs`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running server; killed when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    pub forms: PathBuf,
    pub data: PathBuf,
}

impl Server {
    /// Starts `formwerk serve` on port 0 with the data folder `data` and waits for its address.
    pub fn start(forms: &Path, data: &Path, extra: &[&str]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_formwerk"));
        command.args(["serve", "--forms"]).arg(forms);
        Server::spawn(command, forms, data, extra)
    }

    /// Starts `formwerk serve` in the project folder `project` (its `forms/`, no `--forms`).
    pub fn start_in(project: &Path, data: &Path, extra: &[&str]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_formwerk"));
        command.arg("serve").current_dir(project);
        Server::spawn(command, &project.join("forms"), data, extra)
    }

    fn spawn(mut command: Command, forms: &Path, data: &Path, extra: &[&str]) -> Server {
        let mut child = command
            .args(["--addr", "127.0.0.1:0", "--today", "2026-06-15", "--data"])
            .arg(data)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("formwerk starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("the server prints its address");
        let addr = line
            .trim()
            .strip_prefix("formwerk serve: http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        Server { child, addr, forms: forms.to_path_buf(), data: data.to_path_buf() }
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn client(&self) -> Client {
        Client { addr: self.addr.clone(), host: self.addr.clone(), cookie: None }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A response, headers with lower-case names.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or_else(|| panic!("no Location in a {} response:\n{}", self.status, self.text()))
    }
}

/// A browser without JavaScript: one cookie, requests with `Connection: close`.
#[derive(Clone)]
pub struct Client {
    pub addr: String,
    /// The Host header sent.
    pub host: String,
    pub cookie: Option<String>,
}

impl Client {
    pub fn get(&mut self, path: &str) -> Response {
        self.send("GET", path, &[], &[])
    }

    /// Posts `pairs` form-urlencoded.
    pub fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> Response {
        let body: Vec<String> = pairs.iter().map(|(n, v)| format!("{}={}", encode(n), encode(v))).collect();
        let body = body.join("&");
        self.send("POST", path, &[("content-type", "application/x-www-form-urlencoded")], body.as_bytes())
    }

    /// Posts `pairs` and files (`(field, file name, media type, bytes)`) as multipart.
    pub fn post_multipart(
        &mut self,
        path: &str,
        pairs: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> Response {
        let boundary = "----formwerk-test-boundary-7d3f";
        let mut body = Vec::new();
        for (name, value) in pairs {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        for (name, file, media_type, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: {media_type}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.send("POST", path, &[("content-type", &content_type)], &body)
    }

    /// Sends a request; a `Set-Cookie` of the session replaces the cookie.
    pub fn send(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        let mut head = format!("{method} {path} HTTP/1.1\r\n");
        if !self.host.is_empty() {
            head.push_str(&format!("Host: {}\r\n", self.host));
        }
        if let Some(cookie) = &self.cookie {
            head.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if method == "POST" {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("Connection: close\r\n\r\n");
        let response = raw(&self.addr, head.as_bytes(), body);
        if let Some(set) = response.header("set-cookie") {
            self.cookie = set.split(';').next().map(str::to_string);
        }
        response
    }
}

/// Sends bytes and reads the whole response (the server closes after it); a server that is
/// gone (the crash test kills it) gives status 0.
pub fn raw(addr: &str, head: &[u8], body: &[u8]) -> Response {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return Response { status: 0, headers: Vec::new(), body: Vec::new() };
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = stream.write_all(head);
    // The server may answer (413, 403) before the whole body is sent.
    let _ = stream.write_all(body);
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Response {
    let Some(split) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Response { status: 0, headers: Vec::new(), body: bytes.to_vec() };
    };
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = bytes[split + 4..].to_vec();
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked")) {
        body = unchunk(&body);
    }
    Response { status, headers, body }
}

fn unchunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = bytes.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&bytes[..end]).trim(), 16).unwrap_or(0);
        if size == 0 || end + 2 + size > bytes.len() {
            break;
        }
        out.extend_from_slice(&bytes[end + 2..end + 2 + size]);
        bytes = &bytes[(end + 4 + size).min(bytes.len())..];
    }
    out
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The CSRF token of a page.
pub fn csrf(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").unwrap_or_else(|| panic!("no CSRF token in:\n{html}"));
    html[at + 20..at + 52].to_string()
}
