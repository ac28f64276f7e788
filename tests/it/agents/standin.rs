//! A scripted stand-in of a model API on 127.0.0.1: a tiny HTTP/1.1 server
//! that records every request it receives and answers each with what a
//! script (a closure of the test's choosing) returns. The agents under test
//! talk to it instead of the real Anthropic, OpenAI or Google endpoints.
//!
//! It speaks just enough HTTP for the agents' clients: keep-alive
//! connections, `Content-Length` and chunked request bodies, one response
//! per request with a `Content-Length`. A `CONNECT` (an agent trying to
//! reach some other host through the proxy the tests point at this server)
//! is recorded and refused, so a test can assert that nothing but the model
//! API was asked for.

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use serde_json::Value;

/// One request the stand-in received.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub method: String,
    /// The request target as sent (`/v1/messages?beta=true`).
    pub path: String,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The request body parsed as JSON (`Value::Null` when it is not JSON).
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The path without its query string.
    pub(crate) fn route(&self) -> &str {
        self.path.split('?').next().unwrap_or_default()
    }
}

/// What the script answers to one request.
pub(crate) struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Response {
    /// `200 OK` with a JSON document.
    pub(crate) fn json(value: &Value) -> Response {
        Response {
            status: 200,
            content_type: "application/json",
            body: value.to_string().into_bytes(),
        }
    }

    /// An error status with a JSON document.
    pub(crate) fn error(status: u16, value: &Value) -> Response {
        Response {
            status,
            ..Response::json(value)
        }
    }

    /// `200 OK` with a stream of server-sent events, each `(event name, data)`;
    /// an empty name writes a `data:` line alone.
    pub(crate) fn sse<'a>(events: impl IntoIterator<Item = (&'a str, Value)>) -> Response {
        let mut body = String::new();
        for (name, data) in events {
            if !name.is_empty() {
                body.push_str(&format!("event: {name}\n"));
            }
            body.push_str(&format!("data: {data}\n\n"));
        }
        Response {
            status: 200,
            content_type: "text/event-stream",
            body: body.into_bytes(),
        }
    }
}

/// The script: what to answer to a request, given the ones before it.
pub(crate) type Script = dyn Fn(&Request, &[Request]) -> Response + Send + Sync;

/// A running stand-in; it stops when dropped.
pub(crate) struct Standin {
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl Standin {
    /// Starts a stand-in on a free port of 127.0.0.1 answering with `script`.
    pub(crate) fn start(script: impl Fn(&Request, &[Request]) -> Response + Send + Sync + 'static) -> Standin {
        let listener = TcpListener::bind("127.0.0.1:0").expect("cannot listen on 127.0.0.1");
        let port = listener.local_addr().expect("a bound address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let script: Arc<Script> = Arc::new(script);
        let (seen, stopped) = (requests.clone(), stop.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (seen, script) = (seen.clone(), script.clone());
                thread::spawn(move || serve(stream, &seen, &*script));
            }
        });
        Standin { port, requests, stop }
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request received so far, oldest first.
    pub(crate) fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("the request log").clone()
    }
}

impl Drop for Standin {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Answers the requests of one connection until the client closes it.
fn serve(stream: TcpStream, seen: &Mutex<Vec<Request>>, script: &Script) {
    let mut reader = BufReader::new(stream.try_clone().expect("a socket clone"));
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader) {
        if request.method == "CONNECT" {
            seen.lock().expect("the request log").push(request);
            let _ = writer.write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            break;
        }
        let response = {
            let mut log = seen.lock().expect("the request log");
            let response = script(&request, &log);
            log.push(request);
            response
        };
        let head = format!(
            "HTTP/1.1 {} {}\r\ncontent-type: {}\r\ncontent-length: {}\r\ncache-control: no-cache\r\n\r\n",
            response.status,
            if response.status == 200 { "OK" } else { "Error" },
            response.content_type,
            response.body.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(&response.body).is_err() {
            break;
        }
        let _ = writer.flush();
    }
    let _ = writer.shutdown(Shutdown::Both);
}

/// Reads one request; `None` at the end of the connection or on garbage.
fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    // Tolerate stray blank lines between requests.
    while line.trim().is_empty() {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
    }
    let mut words = line.split_whitespace();
    let method = words.next()?.to_owned();
    let path = words.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let mut body = Vec::new();
    if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
            let mut chunk = vec![0; size + 2]; // the data and its CRLF
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(len) = header("content-length") {
        body = vec![0; len.parse().ok()?];
        reader.read_exact(&mut body).ok()?;
    }
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}
